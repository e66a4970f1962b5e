"""Background jobs of the inventory, run by `manage.py db_worker` (django-tasks, database backend)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from history.services import acting
from inventory.models.costing import CostRecompute
from inventory.services.recompute import run_recompute
from inventory.services.reservations import release_expired

RELEASE_EVERY = timedelta(minutes=1)
KEEP_RESULTS = timedelta(days=1)  # finished runs older than this are deleted by the next run


@task()
def release_expired_reservations() -> int:
    """Mark reservations whose time is up as released (they stopped counting the moment they
    expired; this tidies their status), forget old finished runs, and schedule the next run a
    minute later."""
    released = release_expired()
    DBTaskResult.objects.filter(
        task_path=release_expired_reservations.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=timezone.now() - KEEP_RESULTS,
    ).delete()
    schedule_release(after=RELEASE_EVERY)
    return released


def schedule_release(*, after: timedelta = timedelta(0)) -> bool:
    """Queue the next run of `release_expired_reservations` unless one is already waiting;
    True when it queued one. `manage.py schedule_jobs` calls it once, each run queues the next."""
    waiting = DBTaskResult.objects.filter(
        task_path=release_expired_reservations.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    release_expired_reservations.using(run_after=timezone.now() + after).enqueue()
    return True


@task()
def recompute_costs(recompute_id: int) -> int:
    """Run a queued recompute of every cost (`inventory.services.recompute.run_recompute`):
    what a change of costing method starts; the method's change is attributed to whoever asked
    for it. Returns the movements replayed."""
    requested_by = CostRecompute.objects.select_related("requested_by").get(pk=recompute_id).requested_by
    with acting(requested_by, source="worker"):
        return run_recompute(recompute_id).moves_done
