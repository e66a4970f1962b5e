from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from inventory.formatting import format_quantity
from inventory.models import Product, Warehouse
from inventory.selectors.ledger import ledger_drift


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext("Recompute every balance from the stock movements; exit non-zero and list the rows that differ.")

    def handle(self, *args, **options):
        drifts = ledger_drift()
        if not drifts:
            self.stdout.write(
                self.style.SUCCESS(gettext("Ledger consistent: every balance equals the sum of its movements."))
            )
            return
        warehouses = Warehouse.objects.in_bulk({d.warehouse_id for d in drifts})
        products = Product.objects.in_bulk({d.product_id for d in drifts})
        for d in drifts:
            self.stderr.write(
                gettext(
                    "%(warehouse)s\t%(sku)s\tbalance %(balance)s\tmovements %(movements)s\tdifference %(difference)s"
                )
                % {
                    "warehouse": warehouses[d.warehouse_id].code,
                    "sku": products[d.product_id].sku,
                    "balance": format_quantity(d.balance),
                    "movements": format_quantity(d.ledger),
                    "difference": format_quantity(d.balance - d.ledger),
                }
            )
        raise CommandError(
            ngettext(
                "%(count)d balance differs from the ledger.", "%(count)d balances differ from the ledger.", len(drifts)
            )
            % {"count": len(drifts)}
        )
