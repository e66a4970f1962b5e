"""A small world for the notification tests: a warehouse with a responsible clerk, a product
with a minimum there, and a way to sell it down."""

from decimal import Decimal

from inventory.models import DocumentType, MinimumStock
from inventory.services.documents import process_document
from tests.stock_helpers import make_document


def set_minimum(warehouse, product, quantity) -> None:
    """A minimum level written directly (the product form's path is tested on its own)."""
    MinimumStock.objects.update_or_create(warehouse=warehouse, product=product, defaults={"quantity": quantity})


def sell(*, by, warehouse, product, quantity):
    """Process a sales order taking `quantity` of `product` out of `warehouse`."""
    return process_document(
        make_document(DocumentType.SALES_ORDER, by=by, warehouse=warehouse, lines=[(product, quantity, 20)]), by=by
    )


def receive(*, by, warehouse, product, quantity):
    """Process an adjustment bringing `quantity` in."""
    return process_document(
        make_document(DocumentType.ADJUSTMENT, by=by, warehouse=warehouse, lines=[(product, Decimal(quantity))]),
        by=by,
    )
