"""`manage.py schedule_jobs`: queue the recurring background jobs once (idempotent); `manage.py
db_worker` then runs them, and each run queues its next one."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from inventory.tasks import schedule_release
from notifications.tasks import schedule_digest


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext(
            "Queue the recurring background jobs (the release of expired reservations, the daily low-stock "
            "digest) unless queued."
        )

    def handle(self, *args, **options):
        queued = schedule_release()
        if queued:
            self.stdout.write(gettext("Release of expired reservations: queued."))
        else:
            self.stdout.write(gettext("Release of expired reservations: already queued."))
        if schedule_digest():
            self.stdout.write(gettext("Daily low-stock digest: queued."))
        else:
            self.stdout.write(gettext("Daily low-stock digest: already queued."))
