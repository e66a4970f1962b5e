"""Files in an import's shape: the template (the columns and an example row) and the export
of what exists, which imported back unchanged changes nothing. Purchase prices only for
users who may see them (the columns are the import's columns for the user)."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.catalogue import VIEW_PRODUCT
from accounts.permissions import Actor, require
from imports.columns import CUSTOM_PREFIX
from imports.models import ImportKind
from imports.services.balances import balance_example
from imports.services.crm import crm_example
from imports.services.jobs import columns_for, write_table
from imports.services.products import MIN_PREFIX, example_row
from inventory.models import MinimumStock, Product

CHUNK = 2000


def template_file(user: Actor, kind: str, fmt: str) -> bytes:
    columns = columns_for(user, kind)
    if kind == ImportKind.PRODUCTS:
        example = example_row(columns)
    elif kind == ImportKind.BALANCES:
        example = balance_example(columns)
    else:
        example = crm_example(kind, columns)
    return write_table([column.title() for column in columns], [example], fmt)


def export_file(user: Actor, kind: str, fmt: str) -> bytes:
    """Every product with the import's columns for `user` (needs "View products")."""
    require(user, VIEW_PRODUCT)
    columns = columns_for(user, kind)
    products = (
        Product.objects.select_related("category")
        .order_by("sku")
        .prefetch_related(
            "barcodes",
            Prefetch("minimum_levels", queryset=MinimumStock.objects.only("product_id", "warehouse_id", "quantity")),
        )
    )
    rows = (
        [_text(_value(product, column.key)) for column in columns] for product in products.iterator(chunk_size=CHUNK)
    )
    return write_table([column.title() for column in columns], list(rows), fmt)


def _value(product: Product, key: str):
    if key == "barcodes":
        return ", ".join(sorted(barcode.code for barcode in product.barcodes.all()))
    if key == "category":
        return product.category.name if product.category else ""
    if key.startswith(MIN_PREFIX):
        warehouse_id = int(key[len(MIN_PREFIX) :])
        return next((m.quantity for m in product.minimum_levels.all() if m.warehouse_id == warehouse_id), "")
    if key.startswith(CUSTOM_PREFIX):
        return (product.custom or {}).get(key[len(CUSTOM_PREFIX) :], "")
    return getattr(product, key)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return str(value)
