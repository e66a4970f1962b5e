"""Balances and movements are numeric(15,3): processing (or cancelling) a document that would
take a balance, or a movement, beyond what that column holds is refused with a message that
names the product and the warehouse, and nothing changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inventory.models import DocumentStatus, DocumentType, InventorySettings, StockMove
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db

LARGEST = Decimal("999999999999.999")


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def product():
    return ProductFactory(name="Beras Pandan Wangi")


def refused_with_nothing_changed(document, *, by, action=process_document, balances=()):
    """`action(document)` is refused with the limit message; the document, balances and
    ledger stay as they were."""
    before = [(wh, product, on_hand(wh, product)) for wh, product in balances]
    status, moves = document.status, StockMove.objects.count()
    with pytest.raises(ValidationError) as refused:
        action(document, by=by)
    message = " ".join(refused.value.messages)
    assert "largest balance the system can hold" in message or "lowest balance" in message, message
    document.refresh_from_db()
    assert document.status == status and StockMove.objects.count() == moves
    for wh, product, quantity in before:
        assert on_hand(wh, product) == quantity == ledger_sum(wh, product)
    return message


@pytest.mark.parametrize("doc_type", [DocumentType.ADJUSTMENT, DocumentType.RECEIPT])
def test_incoming_stock_beyond_the_largest_balance_is_refused(user, wh, product, doc_type):
    stock_in(by=user, warehouse=wh, product=product, quantity=LARGEST)
    document = make_document(doc_type, by=user, warehouse=wh, lines=[(product, 1)])
    message = refused_with_nothing_changed(document, by=user, balances=[(wh, product)])
    assert "Beras Pandan Wangi" in message and "Gudang Jakarta" in message


def test_a_transfer_beyond_the_destination_limit_is_refused(user, wh, product):
    full = WarehouseFactory()
    stock_in(by=user, warehouse=wh, product=product, quantity=5)
    stock_in(by=user, warehouse=full, product=product, quantity=LARGEST - 1)
    document = make_document(DocumentType.TRANSFER, by=user, warehouse=wh, destination=full, lines=[(product, 5)])
    refused_with_nothing_changed(document, by=user, balances=[(wh, product), (full, product)])


def test_cancelling_an_outgoing_document_into_a_full_balance_is_refused(user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=LARGEST)
    write_off = process_document(
        make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 1)]), by=user
    )
    stock_in(by=user, warehouse=wh, product=product, quantity=1)
    refused_with_nothing_changed(write_off, by=user, action=cancel_document, balances=[(wh, product)])


def test_negative_stock_below_the_lowest_balance_is_refused(user, wh, product):
    InventorySettings.objects.filter(pk=1).update(allow_negative_write_off=True)
    process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, LARGEST)]), by=user)
    document = make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 1)])
    refused_with_nothing_changed(document, by=user, balances=[(wh, product)])


def test_a_count_whose_change_does_not_fit_a_movement_is_refused(user, wh, product):
    InventorySettings.objects.filter(pk=1).update(allow_negative_write_off=True)
    process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, LARGEST)]), by=user)
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(product, LARGEST)])
    refused_with_nothing_changed(count, by=user, balances=[(wh, product)])


def test_up_to_the_largest_balance_is_accepted(user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=LARGEST - 1)
    process_document(make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)]), by=user)
    assert on_hand(wh, product) == LARGEST == ledger_sum(wh, product)


def test_the_process_button_shows_the_limit_as_a_message(client_logged_in, user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=LARGEST)
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    response = client_logged_in.post(
        reverse("inventory:document_process", args=["adjustment", document.pk]), follow=True
    )
    assert response.status_code == 200
    assert "largest balance the system can hold" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
