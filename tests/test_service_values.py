"""Services given numbers no form would produce (NaN, infinity, a negative zero) or text longer
than its column refuse them with a `ValidationError` naming the field, never a database or
decimal error, and save nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.models import DealRow
from crm.services.deals import RowInput, add_row
from inventory.models import DocumentType, MinimumStock, Product, Reservation, StockDocument
from inventory.services.catalog import ProductInput, create_product
from inventory.services.documents import Header, LineInput, create_document
from inventory.services.reservations import reserve_row
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db

ODD_NUMBERS = [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("-0")]


@pytest.fixture
def wh():
    return WarehouseFactory(is_default=True)


@pytest.fixture
def product():
    return ProductFactory()


def _line(user, wh, product, *, doc_type=DocumentType.ADJUSTMENT, quantity=Decimal(1), price=Decimal(0), **header):
    return create_document(
        doc_type=doc_type,
        by=user,
        header=Header(warehouse=wh, **header),
        lines=[LineInput(product, quantity, price)],
    )


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=str)
@pytest.mark.parametrize(
    ("doc_type", "field"),
    [
        (DocumentType.ADJUSTMENT, "quantity"),
        (DocumentType.STOCK_COUNT, "quantity"),
        (DocumentType.ADJUSTMENT, "price"),
    ],
)
def test_document_lines_refuse_odd_numbers(user, wh, product, value, doc_type, field):
    with pytest.raises(ValidationError) as refused:
        _line(user, wh, product, doc_type=doc_type, **{field: value})
    assert "lines" in refused.value.message_dict
    assert not StockDocument.objects.exists()


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=str)
@pytest.mark.parametrize("field", ["purchase_price", "selling_price", "vat_rate", "minimum"])
def test_products_refuse_odd_numbers(user, wh, value, field):
    extra = {"minimums": {wh: value}} if field == "minimum" else {field: value}
    with pytest.raises(ValidationError) as refused:
        create_product(by=user, data=ProductInput(sku="X-1", name="Kopi", **extra))
    assert (f"min_{wh.pk}" if field == "minimum" else field) in refused.value.message_dict
    assert not Product.objects.exists() and not MinimumStock.objects.exists()


@pytest.fixture
def row(user, wh, product):
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    _deal, row = deal_with_row(by=user, product=product, quantity=2, warehouse=wh, company=CompanyFactory())
    return row


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=str)
@pytest.mark.parametrize("field", ["quantity", "price", "discount"])
def test_deal_rows_refuse_odd_numbers(user, row, value, field):
    data = {"product": ProductFactory(), "quantity": Decimal(1), "price": Decimal(1), "discount": Decimal(0)}
    with pytest.raises(ValidationError) as refused:
        add_row(row.deal, by=user, row=RowInput(**{**data, field: value}))
    assert field in refused.value.message_dict
    assert DealRow.objects.count() == 1


@pytest.mark.parametrize("value", ODD_NUMBERS, ids=str)
def test_reservations_refuse_odd_numbers(user, row, value):
    before = list(Reservation.objects.values())
    with pytest.raises(ValidationError) as refused:
        reserve_row(row, by=user, quantity=value)
    assert "quantity" in refused.value.message_dict
    assert list(Reservation.objects.values()) == before


def test_a_write_off_reason_longer_than_its_column_is_refused(user, wh, product):
    with pytest.raises(ValidationError) as refused:
        _line(user, wh, product, doc_type=DocumentType.WRITE_OFF, reason="r" * 256)
    assert "reason" in refused.value.message_dict
    assert not StockDocument.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("sku", "S" * 65), ("name", "N" * 256), ("unit", "gallon"), ("barcodes", ["1" * 65])],
)
def test_product_text_beyond_its_column_is_refused(user, field, value):
    kwargs = {"sku": "X-1", "name": "Kopi", field: value}
    with pytest.raises(ValidationError) as refused:
        create_product(by=user, data=ProductInput(**kwargs))
    assert field in refused.value.message_dict
    assert not Product.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("price", Decimal("1e12")), ("quantity", Decimal("1e12"))])
def test_document_lines_too_large_for_their_column_are_refused(user, wh, product, field, value):
    with pytest.raises(ValidationError, match="too large"):
        _line(user, wh, product, **{field: value})
    assert not StockDocument.objects.exists()
