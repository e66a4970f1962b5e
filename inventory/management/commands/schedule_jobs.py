"""`manage.py schedule_jobs`: queue the recurring background jobs once (idempotent); `manage.py
db_worker` then runs them, and each run queues its next one."""

from django.core.management.base import BaseCommand

from inventory.tasks import schedule_release


class Command(BaseCommand):
    help = "Queue the recurring background jobs (the release of expired reservations) unless queued."

    def handle(self, *args, **options):
        queued = schedule_release()
        self.stdout.write("Release of expired reservations: " + ("queued." if queued else "already queued."))
