"""Sales and gross profit: what processed sales orders sold, earned and cost, per product,
category, warehouse, client, month or week.

The figures are the daily sales (`inventory.models.SalesDay`), kept by the services: per day,
balance, client and currency, the movements of each order's last processing (a cancelled order
has none, a cancelled then re-processed one counts once), quantity and revenue (quantity ×
price) from their lines, COGS = − the movements' values, exactly
`inventory.selectors.costing.sales_profits`. A line of zero quantity moved nothing and adds
nothing. Revenue is only added up in the default currency (in which stock is valued): orders in
another currency are left out of every figure (`sales_totals_of` says how many, from the orders).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, NullIf, Round, TruncMonth, TruncWeek
from django.utils.translation import gettext

from crm.models import Company
from inventory.models import (
    Category,
    DocumentLine,
    DocumentStatus,
    DocumentType,
    Product,
    SalesDay,
    StockDocument,
    Warehouse,
)
from inventory.selectors.stock import matching_products
from reports.selectors.sql import SqlRows

GROUPS = ("product", "category", "warehouse", "client", "month", "week")
FIGURE_FIELD: DecimalField = DecimalField()  # sums: as many decimals as PostgreSQL gives
PERCENT_DECIMALS = 2  # margin and markup
PERCENT_STEP = Decimal(10) ** -PERCENT_DECIMALS


def group_fields(group_by: str) -> tuple[dict, str, list[str], list]:
    """A grouping's key (`GROUPS`; another: the product's) and its names: ({key: its expression
    as `values()` names it, None for the daily sales' own field}, the join of the names to the
    grouped rows `g`, the names' columns, the join's parameters). PostgreSQL groups by the key
    alone (integers or a date) and joins the names to the groups: neither a join per day of sales
    nor a lookup per group for a sort by name."""
    if group_by == "category":
        join = f"LEFT JOIN {Category._meta.db_table} n ON n.id = g.category_id"
        return (
            {"category_id": F("product__category_id")},
            join,
            ["COALESCE(n.name, %s) AS category_name"],
            [gettext("No category")],
        )
    if group_by == "warehouse":
        join = f"JOIN {Warehouse._meta.db_table} n ON n.id = g.warehouse_id"
        return {"warehouse_id": None}, join, ["n.name AS warehouse_name"], []
    if group_by == "client":
        join = f"LEFT JOIN {Company._meta.db_table} n ON n.id = g.client_id"
        return {"client_id": None}, join, ["n.name AS client_name"], []
    if group_by == "month":
        return {"month": Cast(TruncMonth("day"), DateField())}, "", [], []  # a date in the raw rows too
    if group_by == "week":
        return {"week": Cast(TruncWeek("day"), DateField())}, "", [], []
    join = f"JOIN {Product._meta.db_table} n ON n.id = g.product_id"
    return {"product_id": None}, join, ["n.name AS product_name", "n.sku", "n.unit"], []


@dataclass(frozen=True)
class SalesScope:
    """Which sales a report reads: the orders dated `date_from` … `date_to` (None: no bound) in
    `warehouse_ids` (the user's warehouses; None: all), and the report's filters."""

    warehouse_ids: Collection[int] | None = None
    date_from: date | None = None
    date_to: date | None = None
    warehouse: Warehouse | None = None
    client: Company | None = None
    category: Category | None = None
    search: str = ""

    def days(self) -> QuerySet[SalesDay]:
        """The daily sales of the scope, in every currency."""
        days = SalesDay.objects.order_by()
        if self.date_from is not None:
            days = days.filter(day__gte=self.date_from)
        if self.date_to is not None:
            days = days.filter(day__lte=self.date_to)
        if self.warehouse_ids is not None:
            days = days.filter(warehouse_id__in=self.warehouse_ids)
        if self.warehouse is not None:
            days = days.filter(warehouse_id=self.warehouse.pk)
        if self.client is not None:
            days = days.filter(client_id=self.client.pk)
        if self.category is not None:
            days = days.filter(product__category_id=self.category.pk)
        if self.search.strip():
            days = days.filter(product_id__in=matching_products(self.search.strip()).values("pk"))
        return days

    def orders(self) -> QuerySet[StockDocument]:
        """The processed sales orders of the scope that sold something of its products (a line
        of quantity above zero)."""
        orders = StockDocument.objects.filter(
            doc_type=DocumentType.SALES_ORDER, status=DocumentStatus.PROCESSED
        ).order_by()
        if self.date_from is not None:
            orders = orders.filter(date__gte=self.date_from)
        if self.date_to is not None:
            orders = orders.filter(date__lte=self.date_to)
        if self.warehouse_ids is not None:
            orders = orders.filter(warehouse_id__in=self.warehouse_ids)
        if self.warehouse is not None:
            orders = orders.filter(warehouse_id=self.warehouse.pk)
        if self.client is not None:
            orders = orders.filter(client_id=self.client.pk)
        lines = DocumentLine.objects.filter(document_id=OuterRef("pk"), quantity__gt=0)
        if self.category is not None:
            lines = lines.filter(product__category_id=self.category.pk)
        if self.search.strip():
            lines = lines.filter(product_id__in=matching_products(self.search.strip()).values("pk"))
        return orders.filter(Exists(lines))


def _percent_of(whole: str) -> Round:
    """profit ÷ `whole` in percent, to two decimals; None when `whole` is zero."""
    ratio = ExpressionWrapper(F("profit") * 100 / NullIf(F(whole), 0), output_field=FIGURE_FIELD)
    return Round(ratio, PERCENT_DECIMALS, output_field=FIGURE_FIELD)


def _figures() -> dict:
    """quantity, revenue, cogs (None when a movement of the group has no value), profit,
    margin (profit ÷ revenue, %) and markup (profit ÷ COGS, %), to two decimals, of the
    movements aggregated."""
    cogs = Case(
        When(Q(unvalued__gt=0), then=Value(None)),
        default=Sum("cogs", output_field=FIGURE_FIELD),
        output_field=FIGURE_FIELD,
    )
    return {
        "quantity": Sum("quantity"),
        "revenue": Sum("revenue", output_field=FIGURE_FIELD),
        "unvalued": Sum("unvalued"),
        "cogs": cogs,
        "profit": ExpressionWrapper(F("revenue") - F("cogs"), output_field=FIGURE_FIELD),
        "margin": _percent_of("revenue"),
        "markup": _percent_of("cogs"),
    }


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """`part ÷ whole` in percent, rounded as PostgreSQL's round() (half away from zero)."""
    return (part * 100 / whole).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def in_default_currency(days: QuerySet[SalesDay]) -> QuerySet[SalesDay]:
    return days.filter(currency=settings.DEFAULT_CURRENCY)


FIGURES = ("quantity", "revenue", "cogs", "profit", "margin", "markup")


def group_sales(days: QuerySet[SalesDay], group_by: str = "product") -> SqlRows:
    """`days` (of `SalesScope.days`) in the default currency, grouped by `group_by` (one of
    `GROUPS`; another: by product): dicts of the group's key fields and names (`group_fields`)
    and its figures (`FIGURES`). One query."""
    keys, join, names, name_params = group_fields(group_by)
    expressions = {name: expression for name, expression in keys.items() if expression is not None}
    rows = in_default_currency(days).annotate(**expressions).values(*keys)
    figures = _figures()
    grouped = rows.alias(unvalued=figures.pop("unvalued")).annotate(**figures).order_by()
    sql, params = grouped.query.sql_with_params()
    columns = [*keys, *FIGURES, *(name.rsplit(" ", 1)[-1].removeprefix("n.") for name in names)]
    select = ", ".join(["g.*", *names])
    groups_sql, groups_params = rows.distinct().query.sql_with_params()
    count = (f"SELECT count(*) FROM ({groups_sql}) g", groups_params)  # the groups, without their figures
    return SqlRows(
        f"SELECT * FROM (SELECT {select} FROM ({sql}{SqlRows.CUT}) g {join}) rows",
        [*name_params, *params],
        columns=columns,
        count=count,
        cut_columns=[*keys, *FIGURES],  # the grouped rows' own: a page is cut before the names are joined
    )


def sales_totals_of(scope: SalesScope) -> dict:
    """The figures of all the sales of `scope` in the default currency together, and
    `left_out`: how many of its orders are in another currency (left out of the figures) and
    which currencies ({"count", "currencies"}). One query."""
    days = scope.days().values("currency", "quantity", "revenue", "cogs", "unvalued")
    days_sql, days_params = days.query.sql_with_params()
    orders = scope.orders().exclude(currency=settings.DEFAULT_CURRENCY).values("currency")
    orders_sql, orders_params = orders.query.sql_with_params()
    ours = "FILTER (WHERE s.currency = %s)"
    sql = f"""
        SELECT SUM(s.quantity) {ours}, SUM(s.revenue) {ours}, SUM(s.cogs) {ours}, SUM(s.unvalued) {ours},
               (SELECT count(*) FROM ({orders_sql}) o),
               (SELECT COALESCE(array_agg(DISTINCT o.currency ORDER BY o.currency), '{{}}') FROM ({orders_sql}) o)
        FROM ({days_sql}) s
    """
    currency = settings.DEFAULT_CURRENCY
    with connection.cursor() as cursor:
        cursor.execute(sql, [currency] * 4 + list(orders_params) * 2 + list(days_params))
        quantity, revenue, cogs, unvalued, others, currencies = cursor.fetchone()
    revenue = revenue or Decimal(0)
    cogs = None if unvalued else cogs or Decimal(0)
    profit = None if cogs is None else revenue - cogs
    return {
        "quantity": quantity or Decimal(0),
        "revenue": revenue,
        "cogs": cogs,
        "profit": profit,
        "margin": None if profit is None or not revenue else percent(profit, revenue),
        "markup": None if profit is None or not cogs else percent(profit, cogs),
        "left_out": {"count": others, "currencies": list(currencies)},
    }


def sales_rows(
    *,
    warehouse_ids: Collection[int] | None,
    date_from: date | None,
    date_to: date | None,
    group_by: str = "product",
) -> SqlRows:
    """The processed sales orders of the period (by the order's date) in `warehouse_ids` (None:
    all), in the default currency, grouped by `group_by` (one of `GROUPS`): dicts of the group's
    key fields — product_id, product_name, sku, unit / category_id, category_name /
    warehouse_id, warehouse_name / client_id, client_name / month (its first day) / week (its
    Monday) — and quantity, revenue, cogs, profit, margin, markup (Decimals; cogs, profit,
    margin, markup None when a movement has no value, margin and markup when dividing by zero).
    Unsorted. One query."""
    scope = SalesScope(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to)
    return group_sales(scope.days(), group_by)


def sales_totals(*, warehouse_ids: Collection[int] | None, date_from: date | None, date_to: date | None) -> dict:
    """The figures of `sales_rows` over all its rows: {"quantity", "revenue", "cogs", "profit",
    "margin", "markup"}, and `left_out` (`sales_totals_of`). One query."""
    return sales_totals_of(SalesScope(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to))
