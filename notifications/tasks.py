"""Background jobs of the notifications, run by `manage.py db_worker`."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from notifications.services.mail import send_daily_digests, send_notification_emails

DIGEST_AT = time(7, 0)  # the daily digest goes at 07:00 in the site's time zone (TIME_ZONE)


@task()
def send_low_stock_emails(notification_ids: list[int]) -> int:
    """E-mail the new notifications `notification_ids` (queued by
    `notifications.services.alerts.check_low_stock` after its commit). Returns the e-mails sent."""
    return send_notification_emails(notification_ids)


@task()
def send_low_stock_digest() -> int:
    """Send the daily digests and schedule the next run for the next day's `DIGEST_AT`.
    Returns the e-mails sent."""
    sent = send_daily_digests()
    schedule_digest()
    return sent


def next_digest_time(now: datetime) -> datetime:
    """The first `DIGEST_AT` (local time) after `now`."""
    day = timezone.localdate(now)
    at = timezone.make_aware(datetime.combine(day, DIGEST_AT))
    return at if at > now else timezone.make_aware(datetime.combine(day + timedelta(days=1), DIGEST_AT))


def schedule_digest() -> bool:
    """Queue the next run of `send_low_stock_digest` unless one is already waiting; True when
    it queued one. `manage.py schedule_jobs` calls it once, each run queues the next."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_low_stock_digest.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    send_low_stock_digest.using(run_after=next_digest_time(timezone.now())).enqueue()
    return True
