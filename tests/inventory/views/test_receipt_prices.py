"""Line prices: a product added to a line brings its price (a receipt's purchase price, for who
may see it; an order's selling price), by the line endpoint, the scan box and without
JavaScript; a receipt with lines at zero price is processed only once confirmed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.catalogue import CLERK, STAFF
from inventory.models import DocumentLine, DocumentStatus, DocumentType, StockDocument
from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_documents import form_data, messages_of
from tests.stock_helpers import make_document, on_hand

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def coffee():
    product = ProductFactory(
        sku="KOPI-01", name="Kopi Toraja", purchase_price=Decimal("42500.00"), selling_price=Decimal("55000.00")
    )
    BarcodeFactory(product=product, code="8991234567890")
    return product


@pytest.fixture
def clerk():
    return UserFactory(username="price-clerk", roles=[CLERK])


@pytest.fixture
def staff():
    return UserFactory(username="price-staff", roles=[STAFF])


def line_row(client, user, doc_type, **params):
    client.force_login(user)
    response = client.get(reverse("inventory:document_line", args=[doc_type]), {"index": 0, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("params", [{"code": "8991234567890"}, {"code": "kopi toraja"}, {"product": None}])
def test_a_receipt_line_takes_the_purchase_price(client, clerk, coffee, params):
    if "product" in params:
        params = {"product": coffee.pk}
    html = line_row(client, clerk, "receipt", **params)
    assert 'name="lines-0-price"' in html and 'value="42500"' in html


def test_an_order_line_takes_the_selling_price(client, clerk, coffee):
    html = line_row(client, clerk, "sales_order", code="KOPI-01")
    assert 'value="55000"' in html and "42500" not in html


def test_who_may_not_see_purchase_prices_gets_no_price(client, staff, coffee):
    html = line_row(client, staff, "receipt", code="KOPI-01")
    assert "lines-0-price" not in html and "42500" not in html


@pytest.mark.parametrize(
    ("doc_type", "header", "expected"),
    [
        (DocumentType.RECEIPT, "supplier", Decimal("42500.00")),
        (DocumentType.SALES_ORDER, "client", Decimal("55000.00")),
    ],
)
def test_without_javascript_an_empty_price_is_the_products(client, clerk, wh, coffee, doc_type, header, expected):
    client.force_login(clerk)
    other = ProductFactory(sku="TEH-01")
    data = form_data(clerk, lines=[(coffee, "2", ""), (other, "1", "0")], warehouse=wh, **{header: CompanyFactory()})
    assert client.post(reverse("inventory:document_create", args=[doc_type]), data).status_code == 302
    prices = dict(DocumentLine.objects.values_list("product__sku", "price"))
    assert prices == {"KOPI-01": expected, "TEH-01": Decimal("0")}  # a typed zero stays zero


def test_a_product_twice_takes_the_price_typed_once(client, clerk, wh, coffee):
    client.force_login(clerk)
    data = form_data(
        clerk, lines=[(coffee, "1", ""), ("8991234567890", "2", "40000")], warehouse=wh, supplier=CompanyFactory()
    )
    assert client.post(reverse("inventory:document_create", args=["receipt"]), data).status_code == 302
    line = DocumentLine.objects.get()
    assert (line.quantity, line.price) == (Decimal("3"), Decimal("40000"))


# --- zero prices ----------------------------------------------------------------------------


@pytest.fixture
def unpriced_receipt(clerk, wh, coffee):
    priced = ProductFactory(sku="GULA-01", name="Gula Pasir")
    return make_document(DocumentType.RECEIPT, by=clerk, warehouse=wh, lines=[(coffee, 2, 0), (priced, 1, "15000")])


def test_the_detail_and_the_form_warn_of_zero_prices(client, clerk, unpriced_receipt):
    client.force_login(clerk)
    for name in ("document_detail", "document_update"):
        html = client.get(reverse(f"inventory:{name}", args=["receipt", unpriced_receipt.pk])).content.decode()
        warning = html[html.index('id="zero-price-warning"') :]
        warning = warning[: warning.index("</div>")]
        assert "Kopi Toraja" in warning and "Gula Pasir" not in warning, name


def test_processing_zero_prices_needs_the_confirmation(client, clerk, wh, coffee, unpriced_receipt):
    client.force_login(clerk)
    process = reverse("inventory:document_process", args=["receipt", unpriced_receipt.pk])
    detail = client.get(reverse("inventory:document_detail", args=["receipt", unpriced_receipt.pk])).content.decode()
    assert 'name="confirm_zero_prices" value="1"' in detail and "Process anyway" in detail

    response = client.post(process, follow=True)
    unpriced_receipt.refresh_from_db()
    assert unpriced_receipt.status == DocumentStatus.DRAFT and on_hand(wh, coffee) == 0
    assert any("Kopi Toraja" in m and "no price" in m for m in messages_of(response))

    response = client.post(process, {"confirm_zero_prices": "1"}, follow=True)
    unpriced_receipt.refresh_from_db()
    assert unpriced_receipt.status == DocumentStatus.PROCESSED and on_hand(wh, coffee) == 2
    coffee.refresh_from_db()
    assert coffee.purchase_price == Decimal("42500.00")  # a zero price leaves it alone


def test_a_priced_receipt_processes_without_asking(client, clerk, wh, coffee):
    client.force_login(clerk)
    document = make_document(DocumentType.RECEIPT, by=clerk, warehouse=wh, lines=[(coffee, 2, "41000")])
    html = client.get(reverse("inventory:document_detail", args=["receipt", document.pk])).content.decode()
    assert "zero-price-warning" not in html and "confirm_zero_prices" not in html
    client.post(reverse("inventory:document_process", args=["receipt", document.pk]))
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSED


def test_save_and_process_with_zero_prices_saves_a_draft_and_asks(client, clerk, wh, coffee):
    client.force_login(clerk)
    data = form_data(clerk, lines=[(coffee, "2", "0")], warehouse=wh, supplier=CompanyFactory())
    data["process"] = "1"
    response = client.post(reverse("inventory:document_create", args=["receipt"]), data, follow=True)
    document = StockDocument.objects.get()
    assert document.status == DocumentStatus.DRAFT
    assert any(document.number in m and "no price" in m for m in messages_of(response))
    assert "Process anyway" in response.content.decode()

    data["confirm_zero_prices"] = "1"
    client.post(reverse("inventory:document_update", args=["receipt", document.pk]), data)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSED
