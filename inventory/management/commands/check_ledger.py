from django.core.management.base import BaseCommand, CommandError

from inventory.formatting import format_quantity
from inventory.models import Product, Warehouse
from inventory.selectors.ledger import ledger_drift


class Command(BaseCommand):
    help = "Recompute every balance from the stock movements; exit non-zero and list the rows that differ."

    def handle(self, *args, **options):
        drifts = ledger_drift()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Ledger consistent: every balance equals the sum of its movements."))
            return
        warehouses = Warehouse.objects.in_bulk({d.warehouse_id for d in drifts})
        products = Product.objects.in_bulk({d.product_id for d in drifts})
        for d in drifts:
            self.stderr.write(
                f"{warehouses[d.warehouse_id].code}\t{products[d.product_id].sku}\t"
                f"balance {format_quantity(d.balance)}\tmovements {format_quantity(d.ledger)}\t"
                f"difference {format_quantity(d.balance - d.ledger)}"
            )
        raise CommandError(f"{len(drifts)} balance(s) differ from the ledger.")
