"""Sales and gross profit: what processed sales orders sold, earned and cost, per product,
category, warehouse, client, month or week.

The rows are the movements of each order's last processing (those after its last reversal:
a cancelled order has none, a cancelled then re-processed one counts once), each joined to its
order line: quantity and revenue (quantity × price) from the line, COGS = −the movement's value,
exactly `inventory.selectors.costing.sales_profits`. A line of zero quantity moved nothing and
adds nothing. Revenue is only added up in the default currency (in which stock is valued):
orders in another currency are left out of every figure (`sales_totals_of` says how many).
"""

from collections.abc import Collection
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Round, TruncMonth, TruncWeek
from django.utils.translation import gettext

from crm.models import Company
from inventory.models import Category, DocumentStatus, DocumentType, Product, StockMove, Warehouse
from inventory.selectors.documents import TOTAL_FIELD

GROUPS = ("product", "category", "warehouse", "client", "month", "week")
FIGURE_FIELD: DecimalField = DecimalField()  # sums: as many decimals as PostgreSQL gives
PERCENT_DECIMALS = 2  # margin and markup
PERCENT_STEP = Decimal(10) ** -PERCENT_DECIMALS


def _name_of(model, field: str, key: str) -> Subquery:
    """`model`'s `field` of the group's `key` (an id): looked up once per row of the result,
    after grouping, not joined to each movement."""
    return Subquery(model.objects.filter(pk=OuterRef(key)).values(field)[:1])


def group_fields(group_by: str) -> tuple[dict, dict]:
    """A grouping's key (`GROUPS`; another: the product's) and its names, as `values()` names
    them: ({key: its expression, None for the movement's own field}, {name: its expression}).
    PostgreSQL groups by the key alone (integers or a date) and looks the names up per group:
    neither a join per movement nor a sort of text in the database's collation."""
    if group_by == "category":
        no_category = Value(gettext("No category"), output_field=CharField())
        return {"category_id": F("product__category_id")}, {
            "category_name": Coalesce(_name_of(Category, "name", "category_id"), no_category)
        }
    if group_by == "warehouse":
        return {"warehouse_id": None}, {"warehouse_name": _name_of(Warehouse, "name", "warehouse_id")}
    if group_by == "client":
        return {"client_id": F("document__client_id")}, {"client_name": _name_of(Company, "name", "client_id")}
    if group_by == "month":
        return {"month": TruncMonth("document__date")}, {}
    if group_by == "week":
        return {"week": TruncWeek("document__date")}, {}
    return {"product_id": None}, {
        name: _name_of(Product, field, "product_id")
        for name, field in (("product_name", "name"), ("sku", "sku"), ("unit", "unit"))
    }


def sales_moves(
    *, warehouse_ids: Collection[int] | None, date_from: date | None = None, date_to: date | None = None
) -> QuerySet[StockMove]:
    """The movements of the last processing of the processed sales orders dated `date_from` …
    `date_to` (either None: no bound) in `warehouse_ids` (the user's warehouses; None: all),
    each joined to its order line (`document__lines`), in every currency."""
    later_reversal = StockMove.objects.filter(
        document_id=OuterRef("document_id"), is_reversal=True, id__gt=OuterRef("id")
    )
    moves = StockMove.objects.filter(
        document__doc_type=DocumentType.SALES_ORDER,
        document__status=DocumentStatus.PROCESSED,
        is_reversal=False,
        document__lines__product_id=F("product_id"),
    ).exclude(Exists(later_reversal))
    if date_from is not None:
        moves = moves.filter(document__date__gte=date_from)
    if date_to is not None:
        moves = moves.filter(document__date__lte=date_to)
    if warehouse_ids is not None:
        moves = moves.filter(warehouse_id__in=warehouse_ids)
    return moves


def _percent_of(whole: str) -> Round:
    """profit ÷ `whole` in percent, to two decimals; None when `whole` is zero."""
    ratio = ExpressionWrapper(F("profit") * 100 / NullIf(F(whole), 0), output_field=FIGURE_FIELD)
    return Round(ratio, PERCENT_DECIMALS, output_field=FIGURE_FIELD)


def _figures() -> dict:
    """quantity, revenue, cogs (None when a movement of the group has no value), profit,
    margin (profit ÷ revenue, %) and markup (profit ÷ COGS, %), to two decimals, of the
    movements aggregated."""
    revenue = Sum(F("document__lines__quantity") * F("document__lines__price"), output_field=TOTAL_FIELD)
    cogs = Case(
        When(Q(unvalued__gt=0), then=Value(None)),
        default=-Sum("cost__value", output_field=FIGURE_FIELD),
        output_field=FIGURE_FIELD,
    )
    return {
        "quantity": Sum("document__lines__quantity"),
        "revenue": revenue,
        "unvalued": Count("pk", filter=Q(cost__value__isnull=True)),
        "cogs": cogs,
        "profit": ExpressionWrapper(F("revenue") - F("cogs"), output_field=FIGURE_FIELD),
        "margin": _percent_of("revenue"),
        "markup": _percent_of("cogs"),
    }


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """`part ÷ whole` in percent, rounded as PostgreSQL's round() (half away from zero)."""
    return (part * 100 / whole).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


def in_default_currency(moves: QuerySet[StockMove]) -> QuerySet[StockMove]:
    return moves.filter(document__currency=settings.DEFAULT_CURRENCY)


def group_sales(moves: QuerySet[StockMove], group_by: str = "product") -> QuerySet:
    """`moves` (of `sales_moves`, narrowed as the caller likes) of orders in the default
    currency, grouped by `group_by` (one of `GROUPS`; another: by product): dicts of the group's
    key fields (`group_fields`) and its figures. One query."""
    keys, names = group_fields(group_by)
    expressions = {name: expression for name, expression in keys.items() if expression is not None}
    rows = in_default_currency(moves).annotate(**expressions).values(*keys)
    figures = _figures()
    return rows.alias(unvalued=figures.pop("unvalued")).annotate(**figures).annotate(**names).order_by()


def sales_totals_of(moves: QuerySet[StockMove]) -> dict:
    """The figures of all `moves` of orders in the default currency together, and
    `left_out`: how many orders among `moves` are in another currency (left out of the
    figures) and which currencies ({"count", "currencies"}). One query."""
    ours = Q(document__currency=settings.DEFAULT_CURRENCY)
    totals = moves.aggregate(
        quantity=Sum("document__lines__quantity", filter=ours),
        revenue=Sum(
            F("document__lines__quantity") * F("document__lines__price"), filter=ours, output_field=TOTAL_FIELD
        ),
        unvalued=Count("pk", filter=ours & Q(cost__value__isnull=True)),
        cogs=-Sum("cost__value", filter=ours, output_field=FIGURE_FIELD),
        others=Count("document_id", distinct=True, filter=~ours),
        currencies=ArrayAgg(
            "document__currency", distinct=True, filter=~ours, order_by="document__currency", default=[]
        ),
    )
    revenue = totals["revenue"] or Decimal(0)
    cogs = None if totals["unvalued"] else totals["cogs"] or Decimal(0)
    profit = None if cogs is None else revenue - cogs
    return {
        "quantity": totals["quantity"] or Decimal(0),
        "revenue": revenue,
        "cogs": cogs,
        "profit": profit,
        "margin": None if profit is None or not revenue else percent(profit, revenue),
        "markup": None if profit is None or not cogs else percent(profit, cogs),
        "left_out": {"count": totals["others"], "currencies": list(totals["currencies"])},
    }


def sales_rows(
    *,
    warehouse_ids: Collection[int] | None,
    date_from: date | None,
    date_to: date | None,
    group_by: str = "product",
) -> QuerySet:
    """The processed sales orders of the period (by the order's date) in `warehouse_ids` (None:
    all), in the default currency, grouped by `group_by` (one of `GROUPS`): dicts of the group's
    key fields — product_id, product_name, sku, unit / category_id, category_name /
    warehouse_id, warehouse_name / client_id, client_name / month (its first day) / week (its
    Monday) — and quantity, revenue, cogs, profit, margin, markup (Decimals; cogs, profit,
    margin, markup None when a movement has no value, margin and markup when dividing by zero).
    Unsorted. One query."""
    moves = sales_moves(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to)
    return group_sales(moves, group_by)


def sales_totals(*, warehouse_ids: Collection[int] | None, date_from: date | None, date_to: date | None) -> dict:
    """The figures of `sales_rows` over all its rows: {"quantity", "revenue", "cogs", "profit",
    "margin", "markup"}, and `left_out` (`sales_totals_of`). One query."""
    return sales_totals_of(sales_moves(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to))
