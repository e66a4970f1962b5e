"""A NUL character (which PostgreSQL cannot store in text) typed or sent anywhere: a field
error, a 400 or an empty result with a message, never a 500, and nothing is saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.models import Company, Contact, Deal
from crm.services.companies import CompanyInput, create_company
from crm.services.contacts import ContactInput, create_contact
from crm.services.deals import DealInput, create_deal
from inventory.models import DocumentType, Product, StockDocument, Warehouse
from inventory.services.catalog import ProductInput, create_product
from inventory.services.documents import Header, LineInput, create_document
from inventory.services.warehouses import WarehouseInput, create_warehouse
from layouts.builder import load_layout
from layouts.models import FieldType, LayoutField
from layouts.services import CustomFieldInput, EntryInput, add_custom_field, save_layout
from tests.factories import CompanyFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

NUL = "Kopi\x00Toraja"


@pytest.fixture
def wh():
    return WarehouseFactory(is_default=True)


@pytest.fixture
def product():
    return ProductFactory(sku="KOPI-01", name="Kopi Toraja")


def document_post(user, wh, *, product="KOPI-01", **changes) -> dict:
    data = {
        "warehouse": wh.pk,
        "date": "2026-03-01",
        "currency": "IDR",
        "responsible": user.pk,
        "comment": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": product,
        "lines-0-quantity": "1",
    }
    return {**data, **changes}


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("inventory:product_lookup", [], {"q": NUL}),
        ("inventory:document_line", ["adjustment"], {"code": NUL}),
        ("inventory:document_line", ["adjustment"], {"product": "1\x00"}),
        ("inventory:product_list", [], {"q": NUL}),
        ("inventory:stock", [], {"q": NUL}),
        ("inventory:document_list", ["adjustment"], {"number": NUL}),
        ("crm:company_list", [], {"q": NUL}),
        ("crm:contact_list", [], {"q": NUL}),
        ("crm:deal_list", [], {"q": NUL}),
        ("crm:deal_board", [], {"pipeline": NUL}),
        ("crm:contact_create", [], {"company": NUL}),
    ],
)
def test_a_nul_in_a_query_parameter_is_not_a_server_error(client_logged_in, wh, product, name, args, params):
    response = client_logged_in.get(reverse(name, args=args), params)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "NUL" in response.content.decode() or "Null" in response.content.decode()


def test_the_product_lookup_says_why_it_found_nothing(client_logged_in, product):
    response = client_logged_in.get(reverse("inventory:product_lookup"), {"q": "KOPI\x00"})
    assert response.status_code == 400
    assert "KOPI-01" not in response.content.decode()


def test_a_nul_in_a_line_product_is_an_error_beside_it(client_logged_in, user, wh, product):
    response = client_logged_in.post(
        reverse("inventory:document_create", args=["adjustment"]), document_post(user, wh, product="KOPI\x0001")
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["product"]
    assert not StockDocument.objects.exists()


@pytest.mark.parametrize("field", ["comment", "currency"])
def test_a_nul_in_a_document_header_is_an_error_beside_it(client_logged_in, user, wh, product, field):
    data = document_post(user, wh, **{field: "ID\x00" if field == "currency" else NUL})
    response = client_logged_in.post(reverse("inventory:document_create", args=["adjustment"]), data)
    assert response.status_code == 200
    assert response.context["header_form"].errors[field]
    assert not StockDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("inventory:product_create", {"sku": "X-1", "name": NUL, "unit": "pcs", "vat_rate": "0"}, "name"),
        ("inventory:product_create", {"sku": "X\x00", "name": "Kopi", "unit": "pcs", "vat_rate": "0"}, "sku"),
        (
            "inventory:product_create",
            {"sku": "X-1", "name": "Kopi", "unit": "pcs", "vat_rate": "0", "barcodes": "123\x00"},
            "barcodes",
        ),
        ("inventory:warehouse_create", {"name": NUL, "code": "NUL-1"}, "name"),
        ("crm:company_create", {"name": NUL, "is_client": "on"}, "name"),
        ("crm:contact_create", {"first_name": NUL}, "first_name"),
    ],
)
def test_a_nul_in_a_form_field_is_an_error_beside_it(client_logged_in, wh, name, data, field):
    counts = (Product.objects.count(), Warehouse.objects.count(), Company.objects.count(), Contact.objects.count())
    response = client_logged_in.post(reverse(name), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert counts == (
        Product.objects.count(),
        Warehouse.objects.count(),
        Company.objects.count(),
        Contact.objects.count(),
    )


def test_a_nul_in_a_layout_label_is_refused_and_nothing_is_saved(client_logged_in):
    layout = load_layout("product")
    data = {
        "order": [e.key for e in layout.entries],
        "visible": [e.key for e in layout.entries if e.visible],
        "label_en-name": NUL,
    }
    response = client_logged_in.post(reverse("layouts:editor", args=["product"]), data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert not LayoutField.objects.filter(layout__key="product").exists()


@pytest.mark.parametrize(
    "changes",
    [{"label_en": NUL}, {"help_en": NUL}, {"field_type": FieldType.CHOICE, "choices": "A\nB\x00"}],
)
def test_a_nul_in_a_custom_field_definition_is_an_error_beside_it(client_logged_in, changes):
    data = {"key": "grade", "label_en": "Grade", "field_type": FieldType.TEXT, **changes}
    response = client_logged_in.post(reverse("layouts:field_create", args=["product"]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not LayoutField.objects.filter(key="grade").exists()


# --- services ------------------------------------------------------------------------------


def _document(user, wh, product, **header):
    return create_document(
        doc_type=header.pop("doc_type", DocumentType.ADJUSTMENT),
        by=user,
        header=Header(warehouse=wh, **header),
        lines=[LineInput(product, Decimal(1))],
    )


SERVICES = {
    "product name": (lambda user, wh, product: create_product(by=user, data=ProductInput(sku="X-1", name=NUL)), "name"),
    "product SKU": (
        lambda user, wh, product: create_product(by=user, data=ProductInput(sku="X\x00", name="Kopi")),
        "sku",
    ),
    "barcode": (
        lambda user, wh, product: create_product(by=user, data=ProductInput(sku="X-1", name="K", barcodes=["1\x00"])),
        "barcodes",
    ),
    "document comment": (lambda user, wh, product: _document(user, wh, product, comment=NUL), "comment"),
    "write-off reason": (
        lambda user, wh, product: _document(user, wh, product, doc_type=DocumentType.WRITE_OFF, reason=NUL),
        "reason",
    ),
    "document currency": (lambda user, wh, product: _document(user, wh, product, currency="ID\x00"), "currency"),
    "warehouse name": (
        lambda user, wh, product: create_warehouse(by=user, data=WarehouseInput(name=NUL, code="N-1")),
        "name",
    ),
    "warehouse address": (
        lambda user, wh, product: create_warehouse(by=user, data=WarehouseInput(name="N", code="N-1", address=NUL)),
        "address",
    ),
    "company name": (lambda user, wh, product: create_company(by=user, data=CompanyInput(name=NUL)), "name"),
    "company address": (
        lambda user, wh, product: create_company(by=user, data=CompanyInput(name="PT A", address=NUL)),
        "address",
    ),
    "contact name": (
        lambda user, wh, product: create_contact(by=user, data=ContactInput(first_name=NUL)),
        "first_name",
    ),
    "deal title": (
        lambda user, wh, product: create_deal(by=user, data=DealInput(title=NUL, company=CompanyFactory())),
        "title",
    ),
    "deal comment": (
        lambda user, wh, product: create_deal(
            by=user, data=DealInput(title="Deal", company=CompanyFactory(), comment=NUL)
        ),
        "comment",
    ),
}


@pytest.mark.parametrize("case", sorted(SERVICES))
def test_a_service_given_a_nul_refuses_it_naming_the_field(user, wh, product, case):
    call, field = SERVICES[case]
    before = (Product.objects.count(), StockDocument.objects.count(), Warehouse.objects.count(), Deal.objects.count())
    with pytest.raises(ValidationError) as refused:
        call(user, wh, product)
    assert field in refused.value.message_dict, refused.value
    assert before == (
        Product.objects.count(),
        StockDocument.objects.count(),
        Warehouse.objects.count(),
        Deal.objects.count(),
    )


def test_layout_services_refuse_a_nul_in_labels_and_options(user):
    with pytest.raises(ValidationError):
        save_layout(by=user, key="product", entries=[EntryInput("name", label_en=NUL)])
    for data in (
        CustomFieldInput(key="grade", label_en=NUL, field_type=FieldType.TEXT),
        CustomFieldInput(key="grade", label_en="Grade", label_id=NUL, field_type=FieldType.TEXT),
        CustomFieldInput(key="grade", label_en="Grade", help_en=NUL, field_type=FieldType.TEXT),
        CustomFieldInput(key="grade", label_en="Grade", field_type=FieldType.CHOICE, choices=("A", "B\x00")),
    ):
        with pytest.raises(ValidationError):
            add_custom_field(by=user, key="product", data=data)
    assert not LayoutField.objects.filter(layout__key="product").exists()
