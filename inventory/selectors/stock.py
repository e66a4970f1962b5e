"""Read side of stock balances: the stock page."""

from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from inventory.models import Barcode, MinimumStock, Product, StockBalance
from inventory.models.stock import ZERO, annotate_available, annotate_minimum
from inventory.selectors.costing import ZERO_VALUE, unit_cost

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class AsBalance(TypedDict):
    """What `stock_rows` gives a minimum level so that it reads like a balance."""

    on_hand: Decimal
    value: Decimal
    reserved: Decimal
    available: Decimal
    minimum: Decimal | None
    is_below_minimum: bool


# The rows of the stock page: balances, or (below minimum) minimum levels read like balances.
StockRows: TypeAlias = "QuerySet[StockBalance] | QuerySet[WithAnnotations[MinimumStock, AsBalance]]"


class AnyOf(Func):
    """`value = ANY(array)`, a condition for `filter()`."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def matching_products(search: str) -> QuerySet[Product]:
    """Products whose name or SKU contains `search` (any case) or with a barcode equal to it."""
    return Product.objects.filter(
        Q(name__icontains=search)
        | Q(sku__icontains=search)
        | Exists(Barcode.objects.filter(product=OuterRef("pk"), code=search))
    )


def stock_rows(
    *,
    warehouse_ids: Collection[int] | None = None,
    warehouse=None,
    search: str | None = None,
    category=None,
    non_zero: bool = False,
    below_minimum: bool = False,
) -> StockRows:
    """Balances with their product and warehouse, annotated with `reserved`, `available` (on
    hand − reserved), `minimum` (the product's minimum level in that warehouse, or None),
    `is_below_minimum` and `unit_cost` (value ÷ on hand, None unless on hand is above zero).
    One query, whatever the number of rows.

    `warehouse_ids` limits the rows to these warehouses (None: all). `search` matches the
    product's name or SKU (contains) or one of its barcodes (exact). `below_minimum` keeps the
    rows below their minimum level: every such pair has one, so they are read from the minimum
    levels, with on hand zero where the warehouse has no balance row of the product yet.
    """
    rows: StockRows = below_minimum_rows() if below_minimum else StockBalance.objects.with_available().with_minimum()
    # SKU is unique (indexed) and balances are indexed by (product, warehouse): a page
    # is read by walking both indexes instead of sorting every balance.
    rows = rows.select_related("product", "warehouse").order_by("product__sku", "warehouse__name", "warehouse_id")
    if warehouse_ids is not None:
        rows = rows.filter(warehouse_id__in=warehouse_ids)
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    if category is not None:
        rows = rows.filter(product__category=category)
    if search:
        search = search.strip()
        # The products are matched first, on their own table (once per product, not per
        # balance), and their ids handed to the balances as an array: the planner cannot
        # estimate a "contains" match, and given it as a join condition it walked every
        # balance in page order testing each; `= ANY(array)` lets it fetch the few matching
        # balances by their product index and sort them.
        ids = ArraySubquery(matching_products(search).order_by().values("pk"))
        rows = rows.filter(AnyOf(F("product_id"), ids))
    if non_zero:
        rows = rows.exclude(on_hand=Decimal(0))
    return rows.annotate(unit_cost=unit_cost("value", "on_hand"))


def stock_value(rows: StockRows) -> Decimal:
    """The total value of `rows` (all of them, not a page of them): one aggregate query."""
    return rows.aggregate(total=Coalesce(Sum("value"), ZERO_VALUE))["total"]


def below_minimum_rows() -> "QuerySet[WithAnnotations[MinimumStock, AsBalance]]":
    """The minimum levels that what is available is below, annotated as the balances of
    `stock_rows` are."""
    balance = StockBalance.objects.filter(
        warehouse_id=OuterRef("warehouse_id"), product_id=OuterRef("product_id")
    ).order_by()
    levels = MinimumStock.objects.annotate(
        on_hand=Coalesce(Subquery(balance.values("on_hand")[:1]), ZERO),
        value=Coalesce(Subquery(balance.values("value")[:1]), ZERO_VALUE),
    )
    return annotate_minimum(annotate_available(levels), F("quantity")).filter(is_below_minimum=True)
