"""Background jobs of the reports, run by `manage.py db_worker`."""

from datetime import timedelta

from django_tasks import task

from reports.services.exports import forget_old_exports, run_export

KEEP_EXPORTS = timedelta(days=1)


@task()
def export_report(job_id: int) -> int:
    """Make the file of a queued export (`reports.services.exports.run_export`) and forget
    exports older than a day. Returns the rows written."""
    job = run_export(job_id)
    forget_old_exports(older_than=KEEP_EXPORTS)
    return job.rows_done
