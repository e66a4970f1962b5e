"""Numbers are typed with the digits 0–9: Arabic-Indic (٣) or full-width (３) digits and `_`
separators (which Python's Decimal and int accept) are refused beside the field, in every
quantity, price and number input of the inventory and CRM forms (custom number fields too) and
in the line row's query parameters; "-0" is zero."""

from decimal import Decimal

import pytest
from django.urls import reverse

from crm.models import Company, DealRow, Pipeline, Stage, StageKind
from inventory.models import InventorySettings, Product, StockDocument
from layouts.models import FieldType
from tests.crm.deal_helpers import deal_with_row
from tests.factories import ProductFactory, WarehouseFactory
from tests.layout_helpers import add_field

pytestmark = pytest.mark.django_db

DIGITS = "Use the digits 0–9."
ODD = ["٣", "３", "1_000", "１٢"]


@pytest.fixture
def wh():
    return WarehouseFactory(is_default=True)


@pytest.fixture
def product():
    return ProductFactory(sku="KOPI-01", selling_price=Decimal("5"))


def _errors(response, form="form"):
    assert response.status_code == 200
    return response.context[form].errors


def _product_data(wh, **changes):
    data = {"sku": "X-1", "name": "Kopi", "unit": "pcs", "vat_rate": "0", "purchase_price": "1", "selling_price": "2"}
    return {**data, f"min_{wh.pk}": "", **changes}


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("field", ["purchase_price", "selling_price", "vat_rate", "minimum"])
def test_the_product_form_refuses_other_digits(client_logged_in, wh, field, value):
    name = f"min_{wh.pk}" if field == "minimum" else field
    errors = _errors(client_logged_in.post(reverse("inventory:product_create"), _product_data(wh, **{name: value})))
    assert errors[name] == [DIGITS]
    assert not Product.objects.exists()


def _document_data(user, wh, **line):
    data = {
        "warehouse": wh.pk,
        "date": "2026-03-01",
        "currency": "IDR",
        "responsible": user.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": "KOPI-01",
        "lines-0-quantity": "1",
    }
    return {**data, **{f"lines-0-{k}": v for k, v in line.items()}}


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize(
    ("doc_type", "field"), [("receipt", "quantity"), ("receipt", "price"), ("stock_count", "quantity")]
)
def test_the_document_lines_refuse_other_digits(client_logged_in, user, wh, product, doc_type, field, value):
    data = _document_data(user, wh, **{field: value})
    if doc_type == "receipt":
        data["supplier"] = Company.objects.create(name="PT Pemasok", is_supplier=True).pk
    response = client_logged_in.post(reverse("inventory:document_create", args=[doc_type]), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [DIGITS]
    assert not StockDocument.objects.exists()


def test_a_negative_zero_price_is_zero(client_logged_in, user, wh, product):
    data = _document_data(user, wh, price="-0")
    response = client_logged_in.post(reverse("inventory:document_create", args=["adjustment"]), data)
    assert response.status_code == 302
    line = StockDocument.objects.get().lines.get()
    assert line.price == 0 and not line.price.is_signed()


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize("field", ["quantity", "price", "discount"])
def test_the_deal_row_form_refuses_other_digits(client_logged_in, user, wh, product, field, value):
    deal, row = deal_with_row(by=user, product=ProductFactory(), quantity=1, warehouse=wh)
    data = {"product": "KOPI-01", "quantity": "1", field: value}
    errors = _errors(client_logged_in.post(reverse("crm:deal_row_add", args=[deal.pk]), data))
    assert errors[field] == [DIGITS]
    assert list(DealRow.objects.values_list("pk", flat=True)) == [row.pk]


@pytest.mark.parametrize("value", ODD)
def test_the_reservation_settings_refuse_other_digits(client_logged_in, value):
    before = InventorySettings.load().reservation_days
    data = {"mode": "manual", "days": value}
    errors = _errors(client_logged_in.post(reverse("inventory:reservation_settings"), data))
    assert errors["days"] == [DIGITS]
    assert InventorySettings.load().reservation_days == before


@pytest.mark.parametrize("params", [{"index": "٣"}, {"index": "1_0"}, {"index": "３"}])
def test_the_line_row_refuses_other_digits_in_its_parameters(client_logged_in, product, params):
    response = client_logged_in.get(reverse("inventory:document_line", args=["adjustment"]), params)
    assert response.status_code in (400, 404), response.status_code
    assert "KOPI-01" not in response.content.decode()


def test_a_product_is_not_found_by_its_id_in_other_digits(client_logged_in, user, wh, product):
    arabic_indic = _arabic_indic(product.pk)
    data = _document_data(user, wh, product=arabic_indic)
    response = client_logged_in.post(reverse("inventory:document_create", args=["adjustment"]), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["product"]
    line = client_logged_in.get(reverse("inventory:document_line", args=["adjustment"]), {"product": arabic_indic})
    assert line.status_code in (400, 404)


@pytest.mark.parametrize("field_type", [FieldType.INTEGER, FieldType.DECIMAL])
@pytest.mark.parametrize("value", ODD)
def test_custom_number_fields_refuse_other_digits(client_logged_in, user, wh, field_type, value):
    add_field(user, "product", "weight", field_type)
    data = _product_data(wh, custom_weight=value)
    errors = _errors(client_logged_in.post(reverse("inventory:product_create"), data))
    assert errors["custom_weight"] == [DIGITS]
    assert not Product.objects.exists()


def _arabic_indic(number: int) -> str:
    return str(number).translate({ord(d): chr(0x660 + int(d)) for d in "0123456789"})


def test_the_board_takes_a_pipeline_id_in_the_digits_0_9_only(client_logged_in):
    other = Pipeline.objects.create(name="Grosir", sort=20)
    Stage.objects.create(pipeline=other, name="Kontak", sort=1)
    assert client_logged_in.get(reverse("crm:deal_board"), {"pipeline": other.pk}).context["pipeline"] == other
    response = client_logged_in.get(reverse("crm:deal_board"), {"pipeline": _arabic_indic(other.pk)})
    assert response.context["pipeline"] != other


def test_a_deal_moves_to_a_stage_given_in_the_digits_0_9_only(client_logged_in, user, wh, product):
    deal, _row = deal_with_row(by=user, product=product, quantity=1, warehouse=wh)
    later = deal.pipeline.stages.filter(kind=StageKind.OPEN).exclude(pk=deal.stage_id).first()
    client_logged_in.post(reverse("crm:deal_move", args=[deal.pk]), {"stage": _arabic_indic(later.pk)})
    deal.refresh_from_db()
    assert deal.stage_id != later.pk
