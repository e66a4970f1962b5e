"""The stock report (balances as of a date), the movements report (opening, in, out, closing over
a period) and its drill-down, the ledger of one product in one warehouse."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import document_right
from accounts.permissions import can_somewhere
from inventory.access import shows_purchase_price
from inventory.models import DocumentType
from reports.filters.stock import LedgerFilter, MovementsFilter, StockFilter
from reports.selectors.stock import (
    DAY_FIGURES,
    Scope,
    is_today_or_later,
    ledger_opening,
    ledger_rows,
    movement_rows,
    movement_totals,
    stock_by_category,
    stock_rows,
    stock_totals,
)
from reports.views.base import DATE, MONEY, QUANTITY, Column, Report, register, report_view

# What a date filter accepts: the days the ledger can hold (and one either side to compute with).
FIRST_DAY, LAST_DAY = date(1900, 1, 2), date(9999, 12, 30)


def within(day: date) -> date:
    return min(max(day, FIRST_DAY), LAST_DAY)


def product_link(row) -> str:
    return reverse("inventory:product_detail", args=[row["product_id"]])


def ledger_url(row, date_from: date | None, date_to: date) -> str:
    query = {"product": row["product_id"], "warehouse": row["warehouse_id"], "date_to": date_to.isoformat()}
    if date_from is not None:
        query["date_from"] = date_from.isoformat()
    return reverse("reports:ledger") + "?" + urlencode(query)


class _BalanceReport(Report):
    """What the stock and movements reports share: the balances of the user's warehouses, narrowed
    by the warehouse, category and product filters."""

    def scope_of_filters(self) -> Scope:
        return Scope(
            warehouse_ids=self.scope,
            warehouse=self.filters.get("warehouse"),
            category=self.filters.get("category"),
            search=self.filters.get("q") or "",
        )

    def tiebreak(self) -> list[str]:
        return ["sku", "warehouse_name", "warehouse_id"]


@register
class StockReport(_BalanceReport):
    name = "stock"
    title = _("Stock on a date")
    filterset_class = StockFilter
    default_sort = "sku"
    template_name = "reports/stock.html"

    def defaults(self) -> dict[str, str]:
        return {"day": timezone.localdate().isoformat(), "group": "product"}

    @property
    def day(self) -> date:
        return within(self.filters.get("day") or timezone.localdate())

    @property
    def by_category(self) -> bool:
        return self.filters.get("group") == "category"

    def columns(self) -> list[Column]:
        costs = shows_purchase_price(self.user)
        day = self.day
        if self.by_category:
            columns = [
                Column("category_name", _("Category"), link=self.category_link),
                Column("warehouse_name", _("Warehouse")),
                Column("products", _("Products in stock"), QUANTITY),
            ]
            return columns + ([Column("value", _("Value"), MONEY)] if costs else [])

        def to_ledger(row):
            return ledger_url(row, None, day)

        columns = [
            Column("product_name", _("Product"), link=product_link),
            Column("sku", _("SKU")),
            Column("category_name", _("Category")),
            Column("warehouse_name", _("Warehouse")),
            Column("on_hand", _("On hand"), QUANTITY, link=to_ledger),
        ]
        if is_today_or_later(day):
            columns += [Column("reserved", _("Reserved"), QUANTITY), Column("available", _("Available"), QUANTITY)]
        if costs:
            columns += [Column("unit_cost", _("Unit cost"), MONEY), Column("value", _("Value"), MONEY, link=to_ledger)]
        return columns

    def category_link(self, row) -> str:
        query = {"day": self.day.isoformat(), "group": "product"}
        if row["category_id"] is not None:
            query["category"] = row["category_id"]
        query["warehouse"] = row["warehouse_id"]
        return reverse("reports:stock") + "?" + urlencode(query)

    def rows(self):
        if self.by_category:
            return stock_by_category(day=self.day, scope=self.scope_of_filters())
        return stock_rows(day=self.day, scope=self.scope_of_filters(), non_zero=bool(self.filters.get("non_zero")))

    def default_sort_key(self) -> str:
        return "category_name" if self.by_category else self.default_sort

    def tiebreak(self) -> list[str]:
        return ["category_name", "warehouse_name", "warehouse_id"] if self.by_category else super().tiebreak()

    def warehouse_totals(self) -> list[dict]:
        return stock_totals(day=self.day, scope=self.scope_of_filters())

    def totals(self, rows):
        if not shows_purchase_price(self.user):
            return None
        return {"value": sum((row["value"] or 0 for row in self._totals), 0)}

    def context(self) -> dict:
        return {
            "warehouse_totals": self._totals,
            "show_costs": shows_purchase_price(self.user),
            "day": self.day,
            "is_today": is_today_or_later(self.day),
        }

    @property
    def _totals(self) -> list[dict]:
        if not hasattr(self, "_warehouse_totals"):
            self._warehouse_totals = self.warehouse_totals()
        return self._warehouse_totals


def first_of_month(day: date) -> date:
    return day.replace(day=1)


class _PeriodReport(Report):
    """A report over a period (`date_from` … `date_to`, both included): by default from
    `default_start(today)` to today; dates outside what the ledger can hold are brought within,
    and a period typed backwards is turned round."""

    def default_start(self, today: date) -> date:
        raise NotImplementedError

    def defaults(self) -> dict[str, str]:
        today = timezone.localdate()
        return {"date_from": self.default_start(today).isoformat(), "date_to": today.isoformat()}

    @property
    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        start = within(self.filters.get("date_from") or self.default_start(today))
        end = within(self.filters.get("date_to") or today)
        return (start, end) if start <= end else (end, start)


@register
class MovementsReport(_PeriodReport, _BalanceReport):
    name = "movements"
    title = _("Movements")
    filterset_class = MovementsFilter
    default_sort = "sku"

    def default_start(self, today: date) -> date:
        return first_of_month(today)

    def columns(self) -> list[Column]:
        start, end = self.period

        def to_ledger(row):
            return ledger_url(row, start, end)

        def moved(key):
            return lambda row: ledger_url(row, start, end) if row[key] else None

        columns = [
            Column("product_name", _("Product"), link=product_link),
            Column("sku", _("SKU")),
            Column("warehouse_name", _("Warehouse")),
            Column("opening", _("Opening"), QUANTITY),
            Column("quantity_in", _("In"), QUANTITY, link=moved("quantity_in")),
            Column("quantity_out", _("Out"), QUANTITY, link=moved("quantity_out")),
            Column("closing", _("Closing"), QUANTITY, link=to_ledger),
        ]
        if shows_purchase_price(self.user):
            columns += [
                Column("opening_value", _("Opening value"), MONEY),
                Column("value_in", _("Value in"), MONEY),
                Column("value_out", _("Value out"), MONEY),
                Column("closing_value", _("Closing value"), MONEY, link=to_ledger),
            ]
        return columns

    def rows(self):
        start, end = self.period
        figure = self.sort_key().removeprefix("-")
        return movement_rows(
            date_from=start,
            date_to=end,
            scope=self.scope_of_filters(),
            moved_only=bool(self.filters.get("moved_only")),
            ranked_by=figure if figure in DAY_FIGURES else None,
        )

    def totals(self, rows):
        if not shows_purchase_price(self.user):
            return None
        start, end = self.period
        return movement_totals(date_from=start, date_to=end, scope=self.scope_of_filters())


@register
class LedgerReport(_PeriodReport):
    name = "ledger"
    title = _("Stock ledger")
    filterset_class = LedgerFilter
    default_sort = "day"
    template_name = "reports/ledger.html"

    def default_start(self, today: date) -> date:
        return today - timedelta(days=30)

    def balance(self) -> tuple | None:
        """(product, warehouse) of the ledger, None until both are chosen (among the user's warehouses)."""
        product, warehouse = self.filters.get("product"), self.filters.get("warehouse")
        return (product, warehouse) if product is not None and warehouse is not None else None

    def columns(self) -> list[Column]:
        viewable = {t for t in DocumentType.values if can_somewhere(self.user, document_right("view", t))}

        def to_document(row):
            if row["doc_type"] not in viewable:
                return None
            return reverse("inventory:document_detail", args=[row["doc_type"], row["document_id"]])

        columns = [
            Column("day", _("Date"), DATE, sortable=False),
            Column("number", _("Document"), sortable=False, link=to_document),
            Column("doc_type", _("Type"), sortable=False, labels=dict(DocumentType.choices)),
            Column("is_reversal", _("Cancellation"), sortable=False, labels={True: _("cancellation"), False: ""}),
            Column("counterparty", _("Supplier, client or warehouse"), sortable=False),
            Column("quantity_in", _("In"), QUANTITY, sortable=False),
            Column("quantity_out", _("Out"), QUANTITY, sortable=False),
            Column("balance", _("Balance after"), QUANTITY, sortable=False),
        ]
        if shows_purchase_price(self.user):
            columns += [
                Column("value", _("Value"), MONEY, sortable=False),
                Column("balance_value", _("Value after"), MONEY, sortable=False),
            ]
        return columns

    def rows(self):
        start, end = self.period
        chosen = self.balance()
        if chosen is None:
            return ledger_rows(warehouse_id=0, product_id=0, date_from=start, date_to=end)
        product, warehouse = chosen
        return ledger_rows(warehouse_id=warehouse.pk, product_id=product.pk, date_from=start, date_to=end)

    def tiebreak(self) -> list[str]:
        return ["move_id"]

    def context(self) -> dict:
        chosen = self.balance()
        if chosen is None:
            return {"chosen": None}
        start, _end = self.period
        product, warehouse = chosen
        opening = ledger_opening(warehouse_id=warehouse.pk, product_id=product.pk, date_from=start)
        return {
            "chosen": chosen,
            "opening": opening,
            "show_costs": shows_purchase_price(self.user),
            "period": self.period,
        }

    def export_name(self) -> str:
        chosen = self.balance()
        return slugify(f"ledger-{chosen[0].sku}-{chosen[1].code}") if chosen else "ledger"


stock = report_view(StockReport)
movements = report_view(MovementsReport)
ledger = report_view(LedgerReport)
