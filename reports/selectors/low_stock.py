"""Low stock: every product × warehouse whose available quantity is below its minimum level."""

from collections.abc import Collection

from django.db.models import F, QuerySet

from inventory.selectors.stock import below_minimum_rows


def low_stock_rows(*, warehouse_ids: Collection[int] | None) -> QuerySet:
    """The minimum levels that what is available is below, balance row or not (on hand zero
    without one), of active products, as dicts: product and warehouse (ids and names), `on_hand`,
    `reserved`, `available`, `minimum` and `to_order` (what brings available up to the minimum).
    `warehouse_ids`: the user's warehouses (None: all). One query."""
    rows = below_minimum_rows().filter(product__is_active=True)
    if warehouse_ids is not None:
        rows = rows.filter(warehouse_id__in=warehouse_ids)
    return rows.annotate(
        to_order=F("minimum") - F("available"),
        product_name=F("product__name"),
        sku=F("product__sku"),
        unit=F("product__unit"),
        category_name=F("product__category__name"),
        warehouse_name=F("warehouse__name"),
    ).values(
        "product_id",
        "warehouse_id",
        "product_name",
        "sku",
        "unit",
        "category_name",
        "warehouse_name",
        "on_hand",
        "reserved",
        "available",
        "minimum",
        "to_order",
    )


def low_stock_count(*, warehouse_ids: Collection[int] | None) -> int:
    """How many product × warehouse pairs are below their minimum (the sidebar's badge, the
    dashboard's figure): one query."""
    return low_stock_rows(warehouse_ids=warehouse_ids).count()
