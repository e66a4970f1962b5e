"""Background jobs of the imports, run by `manage.py db_worker`."""

from datetime import timedelta

from django_tasks import task

from history.services import acting
from imports.models import ImportJob
from imports.services.jobs import forget_old_imports, run_import

KEEP_IMPORTS = timedelta(days=7)


@task()
def run_import_job(job_id: int) -> int:
    """Run a queued import (`imports.services.jobs.run_import`) and forget the imports older
    than a week (their files with them). Its changes are attributed to whoever uploaded it.
    Returns the rows read."""
    uploaded_by = ImportJob.objects.select_related("user").get(pk=job_id).user
    with acting(uploaded_by, source="import", import_job=job_id):
        job = run_import(job_id)
    forget_old_imports(older_than=KEEP_IMPORTS)
    return job.rows_done
