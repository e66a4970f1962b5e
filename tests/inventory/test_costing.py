"""Costing through the stock services: the peers' worked examples, FIFO and moving average,
transfers, negative stock, cancelling, and the refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from inventory.errors import DocumentStateError
from inventory.locks import lock_balances
from inventory.models import (
    CostingMethod,
    CostLayer,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    StockBalance,
    ValueAdjustment,
)
from inventory.services.costing import load_book
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(params=[CostingMethod.FIFO, CostingMethod.AVERAGE])
def method(request):
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": request.param})
    return request.param


@pytest.fixture
def fifo():
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": CostingMethod.FIFO})


@pytest.fixture
def average():
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": CostingMethod.AVERAGE})


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", code="JKT")


@pytest.fixture
def other():
    return WarehouseFactory(name="Gudang Surabaya", code="SBY")


@pytest.fixture
def product():
    return ProductFactory(sku="KOPI-01", purchase_price=D("90"))


def post(doc_type, user, warehouse, lines, **kwargs):
    return process_document(make_document(doc_type, by=user, warehouse=warehouse, lines=lines, **kwargs), by=user)


def receive(user, warehouse, product, quantity, price):
    return post(DocumentType.RECEIPT, user, warehouse, [(product, quantity, price)])


def sell(user, warehouse, product, quantity, price=0):
    return post(DocumentType.SALES_ORDER, user, warehouse, [(product, quantity, price)])


def value(warehouse, product) -> Decimal:
    balance = StockBalance.objects.filter(warehouse=warehouse, product=product).first()
    return balance.value if balance else D(0)


def layer_value(warehouse, product) -> Decimal:
    rows = CostLayer.objects.with_remaining().filter(warehouse=warehouse, product=product)
    return rows.aggregate(v=Sum("remaining_value"))["v"] or D(0)


def cost_of(document) -> Decimal:
    """The value of the document's movements (negative for what left)."""
    return MoveCost.objects.filter(move__document=document).aggregate(v=Sum("value"))["v"] or D(0)


def consistent(*keys):
    for warehouse, product in keys:
        assert value(warehouse, product) == layer_value(warehouse, product)


def test_fifo_sells_the_oldest_layers_first(admin_user, wh, product, fifo):
    receive(admin_user, wh, product, 10, 100)
    receive(admin_user, wh, product, 10, 60)
    order = sell(admin_user, wh, product, 15)
    assert cost_of(order) == D("-1300.00")  # 10 × 100 + 5 × 60
    assert value(wh, product) == D("300.00")  # 5 × 60 left
    takes = LayerTake.objects.filter(move__document=order).order_by("layer_id")
    assert [(t.quantity, t.value) for t in takes] == [(D("-10"), D("-1000")), (D("-5"), D("-300"))]
    consistent((wh, product))


def test_average_sells_at_the_running_average(admin_user, wh, product, average):
    receive(admin_user, wh, product, 10, 100)
    receive(admin_user, wh, product, 10, 60)
    order = sell(admin_user, wh, product, 15)
    assert cost_of(order) == D("-1200.00")  # 15 × 80
    assert value(wh, product) == D("400.00")
    assert CostLayer.objects.with_remaining().open().filter(warehouse=wh, product=product).count() == 1  # one pool
    consistent((wh, product))


def test_a_transfer_moves_exactly_the_value_that_left(admin_user, wh, other, product, method):
    receive(admin_user, wh, product, 10, 100)
    receive(admin_user, wh, product, 10, 60)
    sell(admin_user, wh, product, 15)
    transfer = post(DocumentType.TRANSFER, admin_user, wh, [(product, 5)], destination=other)
    moved = MoveCost.objects.filter(move__document=transfer).order_by("move__warehouse_id")
    out, into = (m.value for m in moved)
    assert out == -into and into == (D("300") if method == CostingMethod.FIFO else D("400"))
    assert value(wh, product) == 0 and value(other, product) == into
    consistent((wh, product), (other, product))


def test_cancelling_the_sale_restores_the_layers(admin_user, wh, product, method):
    receive(admin_user, wh, product, 10, 100)
    receive(admin_user, wh, product, 10, 60)
    order = sell(admin_user, wh, product, 15)
    cancel_document(order, by=admin_user)
    assert value(wh, product) == D("1600.00")
    assert cost_of(order) == 0  # the reversal gives back exactly what it took
    consistent((wh, product))
    again = sell(admin_user, wh, product, 15)
    assert cost_of(again) == (D("-1300") if method == CostingMethod.FIFO else D("-1200"))


def test_a_partly_used_receipt_cannot_be_cancelled_and_names_who_used_it(admin_user, wh, product, method):
    first = receive(admin_user, wh, product, 10, 100)
    receive(admin_user, wh, product, 10, 60)
    order = sell(admin_user, wh, product, 5)
    target = first if method == CostingMethod.FIFO else receive(admin_user, wh, product, 1, 10)
    if method == CostingMethod.AVERAGE:
        order = sell(admin_user, wh, product, 1)  # after the last receipt joined the pool
    with pytest.raises(DocumentStateError) as refused:
        cancel_document(target, by=admin_user)
    assert order.number in str(refused.value)
    target.refresh_from_db()
    assert target.status == "processed"


def test_an_unused_receipt_cancels_to_nothing(admin_user, wh, product, method):
    receipt = receive(admin_user, wh, product, 10, 100)
    cancel_document(receipt, by=admin_user)
    assert value(wh, product) == 0 and layer_value(wh, product) == 0


def test_adjustments_and_count_gains_come_in_at_the_current_unit_cost(admin_user, wh, product, fifo):
    adjustment = post(DocumentType.ADJUSTMENT, admin_user, wh, [(product, 2)])
    assert cost_of(adjustment) == D("180.00")  # nothing here yet: the purchase price
    receive(admin_user, wh, product, 2, 120)
    count = post(DocumentType.STOCK_COUNT, admin_user, wh, [(product, 6)])
    assert cost_of(count) == D("210.00")  # 2 more at (180 + 240) ÷ 4 = 105
    consistent((wh, product))


def test_stock_that_comes_back_after_all_left_comes_in_at_the_last_cost(admin_user, wh, product, method):
    receive(admin_user, wh, product, 2, 100)
    receive(admin_user, wh, product, 2, 120)
    sell(admin_user, wh, product, 4)
    adjustment = post(DocumentType.ADJUSTMENT, admin_user, wh, [(product, 1)])
    # Nothing left to cost with, so the last unit cost (not the purchase price, 90): what the
    # last stock in cost (FIFO), or the average the stock left at ((200 + 240) ÷ 4).
    assert cost_of(adjustment) == (D("120.00") if method == CostingMethod.FIFO else D("110.00"))
    consistent((wh, product))


def test_the_book_refuses_to_cost_with_a_last_unit_cost_it_did_not_read(admin_user, wh, product, fifo):
    receive(admin_user, wh, product, 2, 100)
    key = (wh.pk, product.pk)
    balances = lock_balances([key])
    assert load_book(balances, [key]).current_unit_cost(key, lambda: D(0)) == D(100)
    book = load_book(balances, [key], last_of=[])  # the layers give the cost while there is stock
    assert book.take_out(key, D(2), document_id=0).value == D("-200.00")
    with pytest.raises(RuntimeError, match="not read"):
        book.current_unit_cost(key, lambda: D(0))


def test_negative_stock_is_booked_at_the_last_cost_and_corrected_when_stock_arrives(admin_user, wh, product, method):
    InventorySettings.objects.filter(id=1).update(allow_negative_sales_order=True)
    receive(admin_user, wh, product, 2, 100)
    order = sell(admin_user, wh, product, 5)  # 3 short
    assert cost_of(order) == D("-500.00")  # 2 × 100 and the 3 short at the last cost, 100
    assert value(wh, product) == D("-300.00")
    receipt = receive(admin_user, wh, product, 10, 130)
    adjustment = ValueAdjustment.objects.get(move__document=receipt)
    assert adjustment.quantity == 3 and adjustment.value == D("-90.00")  # 3 × (100 − 130)
    assert value(wh, product) == D("910.00")  # 7 × 130
    consistent((wh, product))


def test_a_shortfall_that_later_stock_made_up_for_cannot_be_cancelled_and_says_what_to_do(
    admin_user, wh, product, method
):
    InventorySettings.objects.filter(id=1).update(allow_negative_write_off=True)
    write_off = post(DocumentType.WRITE_OFF, admin_user, wh, [(product, 5)])  # none there: 5 short
    receive(admin_user, wh, product, 10, 100)  # makes up for them, 5 left
    with pytest.raises(DocumentStateError) as refused:
        cancel_document(write_off, by=admin_user)
    assert str(refused.value) == (
        "WO-000001 cannot be cancelled: it took more than there was, and the stock that made up for it has since "
        "come in with RC-000001. To give the stock back, process an adjustment instead."
    )
    adjustment = post(DocumentType.ADJUSTMENT, admin_user, wh, [(product, 5)])  # what it says to do
    assert cost_of(adjustment) == D("500.00") and value(wh, product) == D("1000.00")
    consistent((wh, product))


def test_a_receipt_in_another_currency_is_refused(admin_user, wh, product):
    receipt = make_document(DocumentType.RECEIPT, by=admin_user, warehouse=wh, lines=[(product, 1, 10)])
    receipt.currency = "USD"
    receipt.save()
    with pytest.raises(ValidationError) as refused:
        process_document(receipt, by=admin_user)
    assert "IDR" in str(refused.value)
    assert not StockBalance.objects.filter(on_hand__gt=0).exists()
