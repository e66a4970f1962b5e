"""The low-stock check keeps processing's query count flat: one statement while nothing goes
below a minimum, a fixed handful when something does, for 1 line as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.catalogue import CLERK
from inventory.models import DocumentType, MinimumStock
from inventory.services.documents import process_document
from notifications.models import Notification
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db


def sale_queries(user, warehouse, products, *, minimum) -> int:
    """Queries of processing a sales order of 1 of each of `products` (10 in stock; a minimum of
    `minimum` each, or none)."""
    stock = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=warehouse, lines=[(p, 10) for p in products])
    process_document(stock, by=user)
    if minimum is not None:
        levels = [MinimumStock(warehouse=warehouse, product=p, quantity=minimum) for p in products]
        MinimumStock.objects.bulk_create(levels)
    sale = make_document(DocumentType.SALES_ORDER, by=user, warehouse=warehouse, lines=[(p, 1, 5) for p in products])
    with CaptureQueriesContext(connection) as captured:
        process_document(sale, by=user)
    return len(captured)


def test_nothing_going_below_costs_no_more_than_no_minimums_at_all(user):
    warehouse = WarehouseFactory()
    plain = sale_queries(user, warehouse, ProductFactory.create_batch(100), minimum=None)
    one = sale_queries(user, warehouse, ProductFactory.create_batch(1), minimum=5)
    hundred = sale_queries(user, warehouse, ProductFactory.create_batch(100), minimum=5)
    assert plain == one == hundred
    assert not Notification.objects.exists()


def test_going_below_costs_the_same_for_one_line_and_for_a_hundred(user):
    keeper = UserFactory(username="keeper", roles=[CLERK])
    warehouse = WarehouseFactory(responsible=keeper)
    nothing = sale_queries(user, warehouse, ProductFactory.create_batch(1), minimum=5)
    one = sale_queries(user, warehouse, ProductFactory.create_batch(1), minimum=10)
    hundred = sale_queries(user, warehouse, ProductFactory.create_batch(100), minimum=10)
    assert one == hundred
    assert Notification.objects.filter(user=keeper).count() == 101
    print(f"processing a sales order: {nothing} queries, {one} when its lines go below their minimum")
