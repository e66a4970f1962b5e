"""Read-side queries of the catalog. Every list takes the same number of queries for 1 row or 50."""

from collections.abc import Collection

from django.db.models import (
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from inventory.models import Barcode, CostLayer, Product, StockBalance, StockMove, Warehouse
from inventory.models.stock import ZERO, annotate_available, annotate_minimum, minimum_level
from inventory.selectors.costing import UNIT_COST_FIELD, ZERO_VALUE, unit_cost


def search_products(queryset: QuerySet[Product], search: str) -> QuerySet[Product]:
    """Products whose name or SKU contains `search`, or that have exactly this barcode."""
    search = (search or "").strip()
    if not search:
        return queryset
    return queryset.filter(
        Q(name__icontains=search)
        | Q(sku__icontains=search)
        | Q(pk__in=Barcode.objects.filter(code=search).values("product_id"))
    )


def in_scope(queryset: QuerySet, warehouse_ids: Collection[int] | None, field: str = "warehouse_id") -> QuerySet:
    """`queryset` limited to `warehouse_ids` (None: no limit)."""
    return queryset if warehouse_ids is None else queryset.filter(**{f"{field}__in": warehouse_ids})


def product_list(*, search: str = "", warehouse_ids: Collection[int] | None = None) -> QuerySet[Product]:
    """Products with their category, barcodes and `on_hand` (total across the warehouses of
    `warehouse_ids`, None: all)."""
    on_hand = (
        in_scope(StockBalance.objects.filter(product=OuterRef("pk")), warehouse_ids)
        .order_by()
        .values("product")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )
    queryset = (
        Product.objects.select_related("category")
        .prefetch_related(Prefetch("barcodes", queryset=Barcode.objects.order_by("code")))
        .annotate(on_hand=Coalesce(Subquery(on_hand), ZERO))
    )
    return search_products(queryset, search)


def product_balances(product: Product, *, warehouse_ids: Collection[int] | None = None) -> list[Warehouse]:
    """Each active warehouse of `warehouse_ids` (None: all), and any inactive one that holds a
    balance row of the product, with `on_hand`, `reserved`, `available` and `value` of the
    product there (zero when none), `unit_cost` (value ÷ on hand, None unless on hand is above
    zero), its `minimum` level there (or None) and `is_below_minimum`."""
    queryset = (
        in_scope(Warehouse.objects.all(), warehouse_ids, "pk")
        .annotate(balance=FilteredRelation("balances", condition=Q(balances__product=product)))
        .filter(Q(is_active=True) | Q(balance__isnull=False))
        .annotate(on_hand=Coalesce(F("balance__on_hand"), ZERO), value=Coalesce(F("balance__value"), ZERO_VALUE))
        .annotate(unit_cost=unit_cost("value", "on_hand"))
    )
    queryset = annotate_available(queryset, warehouse=OuterRef("pk"), product=product.pk)
    queryset = annotate_minimum(queryset, minimum_level(OuterRef("pk"), product.pk))
    return list(queryset.order_by("-is_default", "name", "id"))


def product_moves(product: Product, *, warehouse_ids: Collection[int] | None = None) -> QuerySet[StockMove]:
    """The product's movements in `warehouse_ids` (None: all), newest first, with their
    document and warehouse."""
    moves = in_scope(StockMove.objects.filter(product=product), warehouse_ids)
    return moves.select_related("document", "warehouse").order_by("-id")


def open_layers(product: Product, *, warehouse_ids: Collection[int] | None = None) -> QuerySet[CostLayer]:
    """The product's open cost layers in `warehouse_ids` (None: all): FIFO, what is left of each
    incoming movement; average, the pool; a negative remainder is stock sold that was not
    there. Per warehouse in the order of `product_balances`, oldest first, with their warehouse
    and document and `unit_cost` (remaining value ÷ remaining)."""
    layers = in_scope(CostLayer.objects.with_remaining().open().filter(product=product), warehouse_ids)
    return (
        layers.select_related("warehouse", "document")
        .annotate(unit_cost=ExpressionWrapper(F("remaining_value") / F("remaining"), output_field=UNIT_COST_FIELD))
        .order_by("-warehouse__is_default", "warehouse__name", "warehouse_id", "id")
    )
