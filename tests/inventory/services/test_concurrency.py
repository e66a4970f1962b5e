"""Concurrent clerks against one PostgreSQL: no oversell, no double processing, no deadlock."""

from decimal import Decimal

import pytest

from accounts.catalogue import CLERK
from inventory.errors import DocumentStateError, InsufficientStock
from inventory.models import DocumentStatus, DocumentType, StockDocument
from inventory.services.documents import process_document
from tests.concurrency import run_together
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("doc_type", [DocumentType.SALES_ORDER, DocumentType.WRITE_OFF])
def test_twenty_clerks_cannot_take_more_than_ten_units(doc_type):
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    stock_in(by=clerk, warehouse=warehouse, product=product, quantity=10)
    drafts = [make_document(doc_type, by=clerk, warehouse=warehouse, lines=[(product, 1)]) for _ in range(20)]

    results = run_together([lambda d=d: process_document(d, by=clerk) for d in drafts])

    processed = [r for r in results if isinstance(r, StockDocument)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(processed) == 10 and len(refused) == 10, results
    assert all("available 0" in str(r) for r in refused)
    assert on_hand(warehouse, product) == 0 == ledger_sum(warehouse, product)
    assert StockDocument.objects.filter(doc_type=doc_type, status=DocumentStatus.PROCESSED).count() == 10


def test_the_same_document_processed_twice_at_once_applies_once():
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    receipt = make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=[(product, 5)])

    results = run_together([lambda: process_document(receipt, by=clerk)] * 2)

    assert sum(isinstance(r, StockDocument) for r in results) == 1, results
    (error,) = [r for r in results if not isinstance(r, StockDocument)]
    assert isinstance(error, DocumentStateError) and "already processed" in str(error)
    assert receipt.moves.count() == 1
    assert on_hand(warehouse, product) == 5 == ledger_sum(warehouse, product)


def test_opposite_transfers_all_finish_without_deadlock_errors():
    clerk = UserFactory(roles=[CLERK])
    a, b = WarehouseFactory(), WarehouseFactory()
    products = ProductFactory.create_batch(4)
    for product in products:
        stock_in(by=clerk, warehouse=a, product=product, quantity=100)
        stock_in(by=clerk, warehouse=b, product=product, quantity=100)
    forward = [(p, 1) for p in products]
    backward = [(p, 1) for p in reversed(products)]  # lines in the opposite order as well
    transfers = [
        make_document(DocumentType.TRANSFER, by=clerk, warehouse=a, destination=b, lines=forward) for _ in range(10)
    ] + [make_document(DocumentType.TRANSFER, by=clerk, warehouse=b, destination=a, lines=backward) for _ in range(10)]

    results = run_together([lambda t=t: process_document(t, by=clerk) for t in transfers])

    assert all(isinstance(r, StockDocument) for r in results), results
    for product in products:
        assert on_hand(a, product) == 100 == on_hand(b, product)
        assert ledger_sum(a, product) == 100 == ledger_sum(b, product)


def test_documents_created_at_once_get_unique_consecutive_numbers():
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()

    results = run_together(
        [lambda: make_document(DocumentType.ADJUSTMENT, by=clerk, warehouse=warehouse, lines=[(product, 1)])] * 12
    )

    numbers = sorted(r.number for r in results)
    assert numbers == [f"AJ-{n:06d}" for n in range(1, 13)]


def test_concurrent_receipts_into_a_new_balance_row_create_it_once():
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    receipts = [
        make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=[(product, "1.5")]) for _ in range(8)
    ]

    results = run_together([lambda r=r: process_document(r, by=clerk) for r in receipts])

    assert all(isinstance(r, StockDocument) for r in results), results
    assert on_hand(warehouse, product) == Decimal("12") == ledger_sum(warehouse, product)
    assert product.balances.count() == 1
