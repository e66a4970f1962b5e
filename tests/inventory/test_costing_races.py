"""Costing under concurrent clerks against one PostgreSQL: sales racing for the same layers take
each unit once and cost exactly what the layers held; opposite transfers neither deadlock nor
lose value."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from accounts.catalogue import ADMINISTRATOR, CLERK
from inventory.errors import DocumentStateError, InsufficientStock
from inventory.models import CostingMethod, CostLayer, DocumentType, InventorySettings, MoveCost, StockDocument
from inventory.selectors.ledger import cost_drift, ledger_drift
from inventory.services.documents import cancel_document, process_document
from tests.concurrency import run_together
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, on_hand

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal


@pytest.fixture(params=[CostingMethod.FIFO, CostingMethod.AVERAGE])
def method(request):
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": request.param})
    return request.param


def receive(clerk, warehouse, product, quantity, price):
    lines = [(product, quantity, price)]
    return process_document(make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=lines), by=clerk)


def value_of(documents) -> Decimal:
    return MoveCost.objects.filter(move__document__in=documents).aggregate(v=Sum("value"))["v"] or D(0)


@pytest.mark.parametrize("clerks", [20, 25])
def test_clerks_selling_one_unit_each_at_once_cost_exactly_what_the_layers_held(method, clerks):
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    receive(clerk, warehouse, product, 10, 100)
    receive(clerk, warehouse, product, 10, 60)
    orders = [
        make_document(DocumentType.SALES_ORDER, by=clerk, warehouse=warehouse, lines=[(product, 1)])
        for _ in range(clerks)
    ]

    results = run_together([lambda o=o: process_document(o, by=clerk) for o in orders])

    sold = [r for r in results if isinstance(r, StockDocument)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(sold) == 20 and len(refused) == clerks - 20, results
    assert -value_of(sold) == D("1600.00")  # every layer's value, to the cent
    assert on_hand(warehouse, product) == 0
    layers = CostLayer.objects.with_remaining().filter(warehouse=warehouse, product=product)
    assert not layers.filter(remaining__lt=0).exists() and not layers.filter(remaining_value__lt=0).exists()
    assert product.balances.get().value == 0
    assert cost_drift() == [] and ledger_drift() == []


def test_opposite_transfers_with_costing_finish_without_deadlock_and_conserve_value(method):
    clerk = UserFactory(roles=[CLERK])
    a, b = WarehouseFactory(), WarehouseFactory()
    products = ProductFactory.create_batch(3)
    for n, product in enumerate(products):
        for warehouse, prices in ((a, (100, 60)), (b, (75, "33.33"))):
            for price in prices:
                receive(clerk, warehouse, product, 10 + n, price)
    total = sum(product.balances.aggregate(v=Sum("value"))["v"] for product in products)
    forward = [(p, 3) for p in products]
    backward = [(p, 2) for p in reversed(products)]  # lines in the opposite order as well
    transfers = [
        make_document(DocumentType.TRANSFER, by=clerk, warehouse=a, destination=b, lines=forward) for _ in range(5)
    ] + [make_document(DocumentType.TRANSFER, by=clerk, warehouse=b, destination=a, lines=backward) for _ in range(5)]

    results = run_together([lambda t=t: process_document(t, by=clerk) for t in transfers])

    assert all(isinstance(r, StockDocument) for r in results), results
    moved = MoveCost.objects.filter(move__document__in=transfers).values("move__document", "move__product")
    pairs = moved.annotate(v=Sum("value"), n=Count("move"))
    assert len(pairs) == 30 and all(pair["v"] == 0 and pair["n"] == 2 for pair in pairs)  # out and in, equal
    assert sum(product.balances.aggregate(v=Sum("value"))["v"] for product in products) == total
    for n, product in enumerate(products):
        assert on_hand(a, product) == 2 * (10 + n) - 5 and on_hand(b, product) == 2 * (10 + n) + 5
    assert cost_drift() == [] and ledger_drift() == []


def test_a_receipt_cancelled_while_its_stock_is_sold_is_either_cancelled_or_sold(method):
    clerk, manager = UserFactory(roles=[CLERK]), UserFactory(roles=[ADMINISTRATOR])
    warehouse, product = WarehouseFactory(), ProductFactory()
    receive(clerk, warehouse, product, 5, 100)
    receipt = receive(clerk, warehouse, product, 5, 60)
    orders = [
        make_document(DocumentType.SALES_ORDER, by=clerk, warehouse=warehouse, lines=[(product, 1)]) for _ in range(8)
    ]

    results = run_together(
        [lambda: cancel_document(receipt, by=manager)] + [lambda o=o: process_document(o, by=clerk) for o in orders]
    )

    cancelled, *sales = results
    sold = [r for r in sales if isinstance(r, StockDocument)]
    assert all(isinstance(r, (StockDocument, InsufficientStock)) for r in sales), results
    if isinstance(cancelled, StockDocument):  # first: five left at 100 for the sales
        assert len(sold) == 5 and -value_of(sold) == D("500.00")
    else:  # refused: the sales took the receipt's stock (FIFO: once past the first five)
        assert isinstance(cancelled, (DocumentStateError, InsufficientStock)), cancelled
        assert len(sold) == 8
    assert cost_drift() == [] and ledger_drift() == []
