"""Read side of stock balances: the stock page."""

from collections.abc import Collection
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from inventory.models import Barcode, MinimumStock, Product, Reservation, StockBalance
from inventory.models.quantities import QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.models.reservations import counting

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS))


class _AnyOf(Func):
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


def reserved_quantity(warehouse=None, product=None):
    """What counting reservations (active, not expired) hold of one warehouse's product (by
    default those of the outer query's row); zero when none."""
    warehouse = OuterRef("warehouse_id") if warehouse is None else warehouse
    product = OuterRef("product_id") if product is None else product
    held = (
        Reservation.objects.filter(counting(), warehouse_id=warehouse, product_id=product)
        .order_by()
        .values("warehouse_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(held), ZERO)


def with_reserved(balances: QuerySet[StockBalance]) -> QuerySet[StockBalance]:
    """Balances annotated with `reserved` and `available_qty` (on hand − reserved)."""
    return balances.annotate(reserved=reserved_quantity()).annotate(available_qty=F("on_hand") - F("reserved"))


def stock_rows(
    *,
    warehouse_ids: Collection[int] | None = None,
    warehouse=None,
    search: str | None = None,
    category=None,
    non_zero: bool = False,
    below_minimum: bool = False,
) -> QuerySet[StockBalance]:
    """Balances with their product and warehouse, annotated with `available_qty` (on hand −
    reserved), `minimum` (the product's minimum level in that warehouse, or None) and
    `is_below_minimum` (available < minimum). One query, whatever the number of rows.

    `warehouse_ids` limits the rows to these warehouses (None: all). `search` matches the
    product's name or SKU (contains) or one of its barcodes (exact).
    """
    minimum = MinimumStock.objects.filter(product_id=OuterRef("product_id"), warehouse_id=OuterRef("warehouse_id"))
    rows = (
        with_reserved(StockBalance.objects.select_related("product", "warehouse"))
        .annotate(minimum=Subquery(minimum.values("quantity")[:1]))
        .annotate(
            is_below_minimum=ExpressionWrapper(
                Q(minimum__isnull=False) & Q(available_qty__lt=F("minimum")), output_field=BooleanField()
            )
        )
        # SKU is unique (indexed) and balances are indexed by (product, warehouse): a page
        # is read by walking both indexes instead of sorting every balance.
        .order_by("product__sku", "warehouse__name", "warehouse_id")
    )
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
        rows = rows.filter(_AnyOf(F("product_id"), ids))
    if non_zero:
        rows = rows.exclude(on_hand=0)
    if below_minimum:
        # A semi-join the planner can hash, rather than a subquery per balance.
        rows = rows.filter(Exists(minimum.filter(quantity__gt=OuterRef("available_qty"))))
    return rows
