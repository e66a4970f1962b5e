"""Document lifecycle through the services: what each type does to balances and the ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.errors import DocumentStateError, InsufficientStock
from inventory.models import DocumentStatus, DocumentType, StockMove
from inventory.services.documents import cancel_document, delete_document, process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return WarehouseFactory()


@pytest.fixture
def product():
    return ProductFactory()


def test_receipt_adds_stock_and_sets_purchase_price(user, wh, product):
    doc = make_document(DocumentType.RECEIPT, by=user, warehouse=wh, lines=[(product, "7.5", "12.25")])
    assert doc.number == "RC-000001"
    process_document(doc, by=user)
    product.refresh_from_db()
    assert on_hand(wh, product) == Decimal("7.5")
    assert product.purchase_price == Decimal("12.25")
    assert ledger_sum(wh, product) == Decimal("7.5")


def test_numbers_are_per_type(user, wh, product):
    a = make_document(DocumentType.RECEIPT, by=user, warehouse=wh, lines=[(product, 1)])
    b = make_document(DocumentType.RECEIPT, by=user, warehouse=wh, lines=[(product, 1)])
    c = make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 1)])
    assert [a.number, b.number, c.number] == ["RC-000001", "RC-000002", "WO-000001"]


def test_transfer_moves_stock_between_warehouses(user, wh, product):
    other = WarehouseFactory()
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    doc = make_document(DocumentType.TRANSFER, by=user, warehouse=wh, destination=other, lines=[(product, 4)])
    process_document(doc, by=user)
    assert (on_hand(wh, product), on_hand(other, product)) == (6, 4)
    cancel_document(doc, by=user)
    assert (on_hand(wh, product), on_hand(other, product)) == (10, 0)


def test_write_off_and_sales_order_remove_stock(user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 3)]), by=user)
    process_document(make_document(DocumentType.SALES_ORDER, by=user, warehouse=wh, lines=[(product, 2)]), by=user)
    assert on_hand(wh, product) == 5


def test_stock_count_posts_the_difference_and_cancel_reverses_it(user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(product, 7)])
    process_document(count, by=user)
    assert on_hand(wh, product) == 7
    assert count.moves.get().quantity == -3
    cancel_document(count, by=user)
    assert on_hand(wh, product) == 10


def test_insufficient_stock_names_product_warehouse_asked_available_and_changes_nothing(user, wh, product):
    second = ProductFactory()
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    stock_in(by=user, warehouse=wh, product=second, quantity=1)
    doc = make_document(DocumentType.SALES_ORDER, by=user, warehouse=wh, lines=[(product, 4), (second, 3)])
    moves_before = StockMove.objects.count()
    with pytest.raises(InsufficientStock) as refused:
        process_document(doc, by=user)
    message = str(refused.value)
    assert str(second) in message and wh.name in message and "asked 3" in message and "available 1" in message
    assert str(product) not in message
    assert (on_hand(wh, product), on_hand(wh, second)) == (10, 1)
    assert StockMove.objects.count() == moves_before
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.DRAFT


def test_processed_document_cannot_be_edited_processed_again_or_deleted(user, wh, product):
    doc = stock_in(by=user, warehouse=wh, product=product, quantity=5)
    with pytest.raises(DocumentStateError, match="already processed"):
        process_document(doc, by=user)
    with pytest.raises(DocumentStateError):
        delete_document(doc, by=user)
    assert on_hand(wh, product) == 5 and doc.moves.count() == 1


def test_cancelled_document_can_be_processed_again_and_deleted(user, wh, product):
    doc = stock_in(by=user, warehouse=wh, product=product, quantity=5)
    cancel_document(doc, by=user)
    with pytest.raises(DocumentStateError):
        cancel_document(doc, by=user)
    process_document(doc, by=user)
    assert on_hand(wh, product) == 5
    cancel_document(doc, by=user)
    delete_document(doc, by=user)
    doc.refresh_from_db()
    assert doc.deleted_at is not None and on_hand(wh, product) == 0 == ledger_sum(wh, product)


def test_cancel_refused_when_the_received_stock_has_left(user, wh, product):
    receipt = stock_in(by=user, warehouse=wh, product=product, quantity=5)
    process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 4)]), by=user)
    with pytest.raises(InsufficientStock):
        cancel_document(receipt, by=user)
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.PROCESSED and on_hand(wh, product) == 1


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("0", "greater than zero"),
        ("-1", "greater than zero"),
        ("1000000000000000", "too large"),
        ("1.2345", "three decimals"),
    ],
)
def test_bad_quantities_are_refused(user, wh, product, quantity, message):
    with pytest.raises(ValidationError, match=message):
        make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, quantity)])
    assert not wh.documents.exists()


def test_inactive_product_and_inactive_warehouse_are_refused(user, wh, product):
    product.is_active = False
    product.save()
    with pytest.raises(ValidationError, match="inactive"):
        make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    closed = WarehouseFactory(is_active=False)
    with pytest.raises(ValidationError) as refused:
        make_document(DocumentType.ADJUSTMENT, by=user, warehouse=closed, lines=[(ProductFactory(), 1)])
    assert "warehouse" in refused.value.message_dict


def test_transfer_to_the_same_warehouse_is_refused(user, wh, product):
    with pytest.raises(ValidationError) as refused:
        make_document(DocumentType.TRANSFER, by=user, warehouse=wh, destination=wh, lines=[(product, 1)])
    assert "destination" in refused.value.message_dict


def test_processing_a_document_whose_warehouse_was_deactivated_is_refused(user, wh, product):
    doc = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    wh.is_active = False
    wh.save()
    with pytest.raises(ValidationError):
        process_document(doc, by=user)
    assert on_hand(wh, product) == 0


@pytest.mark.parametrize("doc_type", [DocumentType.WRITE_OFF, DocumentType.SALES_ORDER, DocumentType.TRANSFER])
def test_negative_stock_only_where_the_setting_allows_it_for_the_type(user, wh, product, doc_type):
    from inventory.models import InventorySettings

    extra = {"destination": WarehouseFactory()} if doc_type == DocumentType.TRANSFER else {}
    doc = make_document(doc_type, by=user, warehouse=wh, lines=[(product, 2)], **extra)
    with pytest.raises(InsufficientStock):
        process_document(doc, by=user)

    other_types = {"write_off", "sales_order", "transfer"} - {doc_type}
    InventorySettings.objects.filter(pk=1).update(**{f"allow_negative_{t}": True for t in other_types})
    with pytest.raises(InsufficientStock):
        process_document(doc, by=user)

    InventorySettings.objects.filter(pk=1).update(**{f"allow_negative_{doc_type}": True})
    process_document(doc, by=user)
    assert on_hand(wh, product) == -2 == ledger_sum(wh, product)
