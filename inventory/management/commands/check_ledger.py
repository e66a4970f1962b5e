from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from inventory.formatting import format_quantity
from inventory.models import Product, Warehouse
from inventory.selectors.ledger import broken_cost_links, cost_drift, ledger_drift, sales_day_drift, stock_day_drift


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        """Translated when the parser is made: argparse takes no lazy text."""
        return gettext(
            "Recompute every balance from the stock movements, and its stock value from its cost layers and "
            "its movements' values, check that every cost record points at a movement and a cost layer of its "
            "balance and that the daily stock changes add up to the balances; exit non-zero and list what differs."
        )

    def handle(self, *args, **options):
        drifts, costs, broken, days = ledger_drift(), cost_drift(), broken_cost_links(), stock_day_drift()
        sales = sales_day_drift()
        if not drifts and not costs and not broken and not days and not sales:
            self.stdout.write(
                self.style.SUCCESS(gettext("Ledger consistent: every balance equals the sum of its movements."))
            )
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "Stock values consistent: every balance's value equals its cost layers' remaining values "
                        "and its movements' values with the value adjustments, its quantity on hand its layers' "
                        "remainders, and what is left of each layer what its takes left."
                    )
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    gettext(
                        "Cost records consistent: every layer take, value adjustment and movement value points at "
                        "a movement and a cost layer of its balance, and every balance lists its open cost layers "
                        "(their own, oldest first, each with something left)."
                    )
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    gettext("Daily stock changes consistent: every balance's days add up to its on hand and value.")
                )
            )
            self.stdout.write(
                self.style.SUCCESS(
                    gettext("Daily sales consistent: every day's sales equal the processed sales orders of the ledger.")
                )
            )
            return
        warehouses = Warehouse.objects.in_bulk({d.warehouse_id for d in [*drifts, *costs, *days, *sales]})
        products = Product.objects.in_bulk({d.product_id for d in [*drifts, *costs, *days, *sales]})
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
        # Values as stored, to the cent: a drift of one cent must show (amounts in rupiah show none).
        for c in costs:
            names = {"warehouse": warehouses[c.warehouse_id].code, "sku": products[c.product_id].sku}
            if c.value_differs:
                self.stderr.write(
                    gettext(
                        "%(warehouse)s\t%(sku)s\tstock value %(value)s\tcost layers %(layers)s\t"
                        "movements and adjustments %(movements)s"
                    )
                    % {
                        **names,
                        "value": format_quantity(c.value),
                        "layers": format_quantity(c.layers_value),
                        "movements": format_quantity(c.ledger_value),
                    }
                )
            if c.remaining_differs:
                self.stderr.write(
                    gettext(
                        "%(warehouse)s\t%(sku)s\ton hand %(on_hand)s\tcost layers' remainders %(remaining)s\t"
                        "difference %(difference)s"
                    )
                    % {
                        **names,
                        "on_hand": format_quantity(c.on_hand),
                        "remaining": format_quantity(c.layers_remaining),
                        "difference": format_quantity(c.on_hand - c.layers_remaining),
                    }
                )
            if c.layers_off:
                self.stderr.write(
                    ngettext(
                        "%(warehouse)s\t%(sku)s\t%(count)d cost layer's remainder differs from what its takes left",
                        "%(warehouse)s\t%(sku)s\t%(count)d cost layers' remainders differ from what their takes left",
                        c.layers_off,
                    )
                    % {**names, "count": c.layers_off}
                )
        for day in days:
            self.stderr.write(
                gettext(
                    "%(warehouse)s\t%(sku)s\ton hand %(on_hand)s\tvalue %(value)s\t"
                    "daily changes %(days_on_hand)s / %(days_value)s"
                )
                % {
                    "warehouse": warehouses[day.warehouse_id].code,
                    "sku": products[day.product_id].sku,
                    "on_hand": format_quantity(day.on_hand),
                    "value": format_quantity(day.value),
                    "days_on_hand": format_quantity(day.days_on_hand),
                    "days_value": format_quantity(day.days_value),
                }
            )
        for sale in sales:
            self.stderr.write(
                gettext(
                    "%(day)s\t%(warehouse)s\t%(sku)s\tdaily sales %(stored)s\tsales orders %(ledger)s "
                    "(quantity, revenue, COGS, movements without a value)"
                )
                % {
                    "day": sale.day.isoformat(),
                    "warehouse": warehouses[sale.warehouse_id].code,
                    "sku": products[sale.product_id].sku,
                    "stored": " / ".join(map(str, sale.stored)),
                    "ledger": " / ".join(map(str, sale.ledger)),
                }
            )
        problems = []
        if drifts:
            problems.append(
                ngettext(
                    "%(count)d balance differs from the ledger.",
                    "%(count)d balances differ from the ledger.",
                    len(drifts),
                )
                % {"count": len(drifts)}
            )
        if costs:
            problems.append(
                ngettext(
                    "%(count)d balance's costing differs from its value, cost layers or movements.",
                    "%(count)d balances' costing differs from their values, cost layers or movements.",
                    len(costs),
                )
                % {"count": len(costs)}
            )
        if broken:
            problems.append(
                ngettext(
                    "%(count)d cost record (or balance's list of open cost layers) points at a movement or a cost "
                    "layer that is missing or of another balance, or lists its layers wrongly.",
                    "%(count)d cost records (or balances' lists of open cost layers) point at a movement or a cost "
                    "layer that is missing or of another balance, or list their layers wrongly.",
                    broken,
                )
                % {"count": broken}
            )
        if days:
            problems.append(
                ngettext(
                    "%(count)d balance differs from its daily stock changes.",
                    "%(count)d balances differ from their daily stock changes.",
                    len(days),
                )
                % {"count": len(days)}
            )
        if sales:
            problems.append(
                ngettext(
                    "%(count)d day's sales differ from the processed sales orders.",
                    "%(count)d days' sales differ from the processed sales orders.",
                    len(sales),
                )
                % {"count": len(sales)}
            )
        raise CommandError(" ".join(problems))
