"""Background jobs of the imports, run by `manage.py db_worker`."""

from django_tasks import task

from imports.services.jobs import run_import


@task()
def run_import_job(job_id: int) -> int:
    """Run a queued import (`imports.services.jobs.run_import`). Returns the rows read."""
    return run_import(job_id).rows_done
