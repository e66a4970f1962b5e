import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from history.services import acting
from inventory.models import CostingMethod, InventorySettings
from inventory.services.recompute import queue_recompute, run_recompute


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext(
            "Recompute every cost from the stock movements, here and now, under the costing method given "
            "(default: the current one), and make it the costing method. For ledgers posted before costing "
            "existed; documents can be processed meanwhile."
        )

    def add_arguments(self, parser):
        parser.add_argument("--method", choices=CostingMethod.values, help=gettext("the costing method"))

    def handle(self, *args, method=None, verbosity=1, **options):
        method = method or InventorySettings.current_costing_method()
        try:
            recompute = queue_recompute(method)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        def progress(done: int, total: int) -> None:
            if verbosity >= 2:
                text = ngettext("%(done)d of %(total)d movement", "%(done)d of %(total)d movements", total)
                self.stdout.write(text % {"done": done, "total": total})

        start = time.perf_counter()
        with acting(None, source="command", command="recompute_costs"):
            recompute = run_recompute(recompute.pk, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)d movement recomputed under %(method)s in %(seconds).1f s.",
                    "%(count)d movements recomputed under %(method)s in %(seconds).1f s.",
                    recompute.moves_done,
                )
                % {
                    "count": recompute.moves_done,
                    "method": recompute.get_method_display(),
                    "seconds": time.perf_counter() - start,
                }
            )
        )
