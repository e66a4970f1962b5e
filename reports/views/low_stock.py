"""The low-stock report: what to order, per product and warehouse."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.filters.low_stock import LowStockFilter
from reports.selectors.low_stock import low_stock_rows
from reports.views.base import QUANTITY, Column, Report, register, report_view


def product_link(row) -> str:
    return reverse("inventory:product_detail", args=[row["product_id"]])


def stock_link(row) -> str:
    return reverse("inventory:stock") + f"?warehouse={row['warehouse_id']}&below_minimum=on"


@register
class LowStockReport(Report):
    name = "low_stock"
    title = _("Low stock")
    filterset_class = LowStockFilter
    default_sort = "-to_order"

    def columns(self) -> list[Column]:
        return [
            Column("product_name", _("Product"), link=product_link),
            Column("sku", _("SKU")),
            Column("category_name", _("Category")),
            Column("warehouse_name", _("Warehouse")),
            Column("on_hand", _("On hand"), QUANTITY),
            Column("reserved", _("Reserved"), QUANTITY),
            Column("available", _("Available"), QUANTITY, link=stock_link),
            Column("minimum", _("Minimum"), QUANTITY),
            Column("to_order", _("To order"), QUANTITY),
        ]

    def rows(self):
        return self.filtered(low_stock_rows(warehouse_ids=self.scope))

    def tiebreak(self) -> list[str]:
        return ["sku", "warehouse_name", "warehouse_id"]


low_stock = report_view(LowStockReport)
