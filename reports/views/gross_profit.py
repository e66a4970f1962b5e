"""The sales and gross profit report: what processed sales orders sold, earned and cost."""

from calendar import monthrange
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from inventory.access import shows_purchase_price
from inventory.models import DocumentStatus, DocumentType
from reports.filters.gross_profit import GrossProfitFilter
from reports.selectors.gross_profit import GROUPS, SalesScope, group_sales, sales_totals_of
from reports.views.base import DATE, MONEY, MONTH, PERCENT, QUANTITY, Column, Report, register, report_view

# Each grouping's first column(s), and what identifies a row (stable pages).
NAME_KEYS = {
    "product": "product_name",
    "category": "category_name",
    "warehouse": "warehouse_name",
    "client": "client_name",
    "month": "month",
    "week": "week",
}
ID_KEYS = {
    "product": ["sku", "product_id"],
    "category": ["category_id"],
    "warehouse": ["warehouse_id"],
    "client": ["client_id"],
    "month": [],
    "week": [],
}


@register
class GrossProfitReport(Report):
    name = "gross_profit"
    title = _("Sales and gross profit")
    filterset_class = GrossProfitFilter
    default_sort = "-revenue"
    template_name = "reports/gross_profit.html"

    def defaults(self) -> dict[str, str]:
        today = timezone.localdate()
        return {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat(), "group_by": "product"}

    @property
    def group_by(self) -> str:
        asked = self.filters.get("group_by")
        return asked if asked in GROUPS else "product"

    def columns(self) -> list[Column]:
        group = self.group_by
        columns = self.name_columns(group)
        quantity_link, revenue_link = self.figure_links(group)
        columns += [
            Column("quantity", _("Quantity sold"), QUANTITY, link=quantity_link),
            Column("revenue", _("Revenue"), MONEY, link=revenue_link),
        ]
        if shows_purchase_price(self.user):
            columns += [
                Column("cogs", _("COGS"), MONEY),
                Column("profit", _("Gross profit"), MONEY),
                Column("margin", _("Margin, %"), PERCENT),
                Column("markup", _("Markup, %"), PERCENT),
            ]
        return columns

    def name_columns(self, group: str) -> list[Column]:
        if group == "product":
            return [
                Column("product_name", _("Product"), link=lambda row: product_url(row["product_id"])),
                Column("sku", _("SKU")),
            ]
        if group == "category":
            return [Column("category_name", _("Category"), link=self.drill_link("category", "category_id"))]
        if group == "warehouse":
            return [Column("warehouse_name", _("Warehouse"), link=self.drill_link("warehouse", "warehouse_id"))]
        if group == "client":
            return [Column("client_name", _("Client"), link=self.drill_link("client", "client_id"))]
        if group == "month":
            return [Column("month", _("Month"), MONTH, link=lambda row: self.report_url(**self.month_period(row)))]
        return [
            Column("week", _("Week (from Monday)"), DATE, link=lambda row: self.report_url(**self.week_period(row)))
        ]

    def figure_links(self, group: str):
        """The links of a row's quantity and revenue: to what makes them up."""
        if group == "product":
            return (lambda row: product_url(row["product_id"])), None
        if group == "category":
            drill = self.drill_link("category", "category_id")
            return drill, drill
        if group == "warehouse":
            orders = self.orders_link(lambda row: {"warehouse": row["warehouse_id"]})
        elif group == "client":
            orders = self.orders_link(lambda row: {"company": row["client_id"]})
        elif group == "month":
            orders = self.orders_link(self.month_period)
        else:
            orders = self.orders_link(self.week_period)
        return orders, orders

    def period(self) -> tuple[date | None, date | None]:
        return self.filters.get("date_from"), self.filters.get("date_to")

    def clipped(self, first: date, last: date) -> dict[str, str]:
        """The days `first` … `last` within the report's period, as date filters."""
        date_from, date_to = self.period()
        first = max(first, date_from) if date_from else first
        last = min(last, date_to) if date_to else last
        return {"date_from": first.isoformat(), "date_to": last.isoformat()}

    def month_period(self, row) -> dict[str, str]:
        month = row["month"]
        return self.clipped(month, month.replace(day=monthrange(month.year, month.month)[1]))

    def week_period(self, row) -> dict[str, str]:
        return self.clipped(row["week"], row["week"] + timedelta(days=6))

    def kept_filters(self) -> dict:
        """The report's filters as typed in a URL (those understood), but its grouping."""
        kept = {}
        for key, value in self.filters.items():
            if value in (None, "") or key == "group_by":
                continue
            kept[key] = value.isoformat() if isinstance(value, date) else getattr(value, "pk", value)
        return kept

    def report_url(self, **params) -> str:
        """This report by product, with its filters and `params`."""
        query = {**self.kept_filters(), "group_by": "product", **params}
        return reverse("reports:gross_profit") + "?" + urlencode(query)

    def drill_link(self, filter_name: str, key: str):
        """The row's own report by product (none for a row without an id: no category)."""
        return lambda row: self.report_url(**{filter_name: row[key]}) if row[key] is not None else None

    def orders_link(self, narrow):
        """The list of the processed sales orders of the period, of the report's warehouse and
        client, narrowed by `narrow(row)` (filters of the document list)."""

        def link(row) -> str:
            date_from, date_to = self.period()
            query: dict[str, str | int] = {"status": DocumentStatus.PROCESSED.value}
            if date_from:
                query["date_from"] = date_from.isoformat()
            if date_to:
                query["date_to"] = date_to.isoformat()
            if self.filters.get("warehouse"):
                query["warehouse"] = self.filters["warehouse"].pk
            if self.filters.get("client"):
                query["company"] = self.filters["client"].pk
            query.update(narrow(row))
            return reverse("inventory:document_list", args=[DocumentType.SALES_ORDER]) + "?" + urlencode(query)

        return link

    def sales_scope(self) -> SalesScope:
        """The sales of the filters, in the user's warehouses."""
        date_from, date_to = self.period()
        return SalesScope(
            warehouse_ids=self.scope,
            date_from=date_from,
            date_to=date_to,
            warehouse=self.filters.get("warehouse"),
            client=self.filters.get("client"),
            category=self.filters.get("category"),
            search=self.filters.get("q") or "",
        )

    def rows(self):
        return group_sales(self.sales_scope().days(), self.group_by)

    @cached_property
    def summary(self) -> dict:
        """The totals row and the orders left out (another currency): one query."""
        return sales_totals_of(self.sales_scope())

    def totals(self, rows):
        return self.summary

    def tiebreak(self) -> list[str]:
        return [NAME_KEYS[self.group_by], *ID_KEYS[self.group_by]]

    def context(self) -> dict:
        return {
            "left_out": self.summary["left_out"],
            "currency": settings.DEFAULT_CURRENCY,
            "shows_cogs": shows_purchase_price(self.user),
        }

    def export_name(self) -> str:
        return f"{self.name}-{self.group_by}"


def product_url(product_id: int) -> str:
    return reverse("inventory:product_detail", args=[product_id])


gross_profit = report_view(GrossProfitReport)
