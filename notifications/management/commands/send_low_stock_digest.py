"""`manage.py send_low_stock_digest`: send the daily low-stock digests now (for cron, instead of
the worker's daily run that `manage.py schedule_jobs` queues)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from notifications.services.mail import send_daily_digests


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext("E-mail the daily low-stock digest to every user who takes it.")

    def handle(self, *args, **options):
        sent = send_daily_digests()
        self.stdout.write(ngettext("%(count)d digest sent.", "%(count)d digests sent.", sent) % {"count": sent})
