"""Concurrent processing against one PostgreSQL: one crossing of a minimum, one notification."""

from decimal import Decimal

import pytest

from accounts.catalogue import ADMINISTRATOR, CLERK
from inventory.models import DocumentType, StockDocument
from inventory.services.catalog import ProductInput, update_product
from inventory.services.documents import process_document
from notifications.models import LowStockAlert, Notification
from tests.concurrency import run_together
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.notifications.helpers import set_minimum
from tests.stock_helpers import make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    keeper = UserFactory(username="keeper", roles=[CLERK])
    warehouse = WarehouseFactory(responsible=keeper)
    product = ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=20)
    set_minimum(warehouse, product, 15)
    return {"admin": admin, "keeper": keeper, "warehouse": warehouse, "product": product}


def test_ten_sales_at_once_that_each_take_it_below_notify_once(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    drafts = [make_document(DocumentType.SALES_ORDER, by=admin, warehouse=w, lines=[(p, 2, 5)]) for _ in range(10)]

    results = run_together([lambda d=d: process_document(d, by=admin) for d in drafts])

    assert all(isinstance(r, StockDocument) for r in results), results
    assert on_hand(w, p) == 0
    # 18 and 16 are not below 15: the third sale takes it below, the seven after it keep it there.
    assert list(Notification.objects.values_list("user__username", "available")) == [("keeper", Decimal(14))]
    assert LowStockAlert.objects.count() == 1


def test_a_sale_and_a_raised_minimum_at_once_notify_once(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    sale = make_document(DocumentType.SALES_ORDER, by=admin, warehouse=w, lines=[(p, 6, 5)])
    raised = ProductInput(sku=p.sku, name=p.name, category=p.category, minimums={w: Decimal(19)})

    results = run_together([lambda: process_document(sale, by=admin), lambda: update_product(p, by=admin, data=raised)])

    assert not any(isinstance(r, Exception) for r in results), results
    assert Notification.objects.count() == 1
    assert LowStockAlert.objects.count() == 1
