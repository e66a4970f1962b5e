"""Read side of stock balances: the stock page."""

from collections.abc import Collection

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from inventory.models import Barcode, MinimumStock, StockBalance


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
        StockBalance.objects.select_related("product", "warehouse")
        .annotate(available_qty=F("on_hand") - F("reserved"))
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
        rows = rows.filter(
            Q(product__name__icontains=search)
            | Q(product__sku__icontains=search)
            | Exists(Barcode.objects.filter(product_id=OuterRef("product_id"), code=search))
        )
    if non_zero:
        rows = rows.exclude(on_hand=0, reserved=0)
    if below_minimum:
        # A semi-join the planner can hash, rather than a subquery per balance.
        rows = rows.filter(Exists(minimum.filter(quantity__gt=OuterRef("on_hand") - OuterRef("reserved"))))
    return rows
