"""A form layout's texts (labels, help texts, options) and the custom values objects keep are
plain text: every page that shows them escapes them, for every form that has them."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from crm.models import Company, Contact, Deal
from inventory.models import DocumentType, Product, StockDocument, Warehouse
from layouts.models import FieldType, FormLayout
from layouts.services import EntryInput, save_layout
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, WarehouseFactory
from tests.layout_helpers import add_field
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMAGE = "<img src=x onerror=alert(1)>"
PAYLOADS = (SCRIPT, IMAGE)


def shape(admin, form: str) -> None:
    """A text field and a choice field whose every text is a payload (both list columns, the
    choice field a list filter too)."""
    add_field(admin, form, "note", FieldType.TEXT, label=IMAGE, help_en=SCRIPT, in_list=True)
    add_field(admin, form, "grade", FieldType.CHOICE, label=SCRIPT, help_en=IMAGE, choices=(SCRIPT, "B"), in_list=True)


def store(model, pk: int) -> None:
    model.objects.filter(pk=pk).update(custom={"note": IMAGE, "grade": SCRIPT})


def assert_escaped(client, url: str, *, method: str = "get", data=None, shown=PAYLOADS) -> str:
    """The page answers 200, has no payload as markup, and shows each of `shown` as text."""
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    for payload in PAYLOADS:
        assert payload not in html, f"{url} puts {payload!r} into the page unescaped"
    for payload in shown:
        assert escape(payload) in html, f"{url} does not show {payload!r} as text"
    return html


@pytest.fixture
def world(admin):
    warehouse = WarehouseFactory(is_default=True)
    product = ProductFactory()
    deal, _row = deal_with_row(by=admin, product=product, quantity=1, warehouse=warehouse)
    company = CompanyFactory(is_client=True, is_supplier=True)
    contact = Contact.objects.create(first_name="Ani", company=company)
    receipt = make_document(DocumentType.RECEIPT, by=admin, warehouse=warehouse, lines=[(product, 1, 1)])
    return {
        "warehouse": warehouse,
        "product": product,
        "deal": deal,
        "company": company,
        "contact": contact,
        "receipt": receipt,
    }


def test_product_pages(admin, admin_client, world):
    shape(admin, "product")
    product = world["product"]
    store(Product, product.pk)
    assert_escaped(admin_client, reverse("inventory:product_create"))
    assert_escaped(admin_client, reverse("inventory:product_update", args=[product.pk]))
    assert_escaped(admin_client, reverse("inventory:product_detail", args=[product.pk]))
    assert_escaped(admin_client, reverse("inventory:product_list"))


def test_warehouse_pages(admin, admin_client, world):
    shape(admin, "warehouse")
    warehouse = world["warehouse"]
    store(Warehouse, warehouse.pk)
    assert_escaped(admin_client, reverse("inventory:warehouse_create"))
    assert_escaped(admin_client, reverse("inventory:warehouse_update", args=[warehouse.pk]))
    assert_escaped(admin_client, reverse("inventory:warehouse_list"))


def test_document_pages(admin, admin_client, world):
    shape(admin, "document_receipt")
    save_layout(by=admin, key="document_receipt", entries=[EntryInput("line_quantity", True, SCRIPT)])  # a column
    receipt = world["receipt"]
    store(StockDocument, receipt.pk)
    assert_escaped(admin_client, reverse("inventory:document_create", args=["receipt"]))
    assert_escaped(admin_client, reverse("inventory:document_update", args=["receipt", receipt.pk]))
    assert_escaped(admin_client, reverse("inventory:document_detail", args=["receipt", receipt.pk]))
    assert_escaped(admin_client, reverse("inventory:document_list", args=["receipt"]))


def test_deal_pages(admin, admin_client, world):
    shape(admin, "deal")
    deal = world["deal"]
    store(Deal, deal.pk)
    assert_escaped(admin_client, reverse("crm:deal_create"))
    assert_escaped(admin_client, reverse("crm:deal_update", args=[deal.pk]))
    assert_escaped(admin_client, reverse("crm:deal_detail", args=[deal.pk]))
    assert_escaped(admin_client, reverse("crm:deal_list"))


def test_company_and_contact_pages(admin, admin_client, world):
    shape(admin, "company")
    shape(admin, "contact")
    company, contact = world["company"], world["contact"]
    store(Company, company.pk)
    store(Contact, contact.pk)
    assert_escaped(admin_client, reverse("crm:company_create"))
    assert_escaped(admin_client, reverse("crm:company_update", args=[company.pk]))
    assert_escaped(admin_client, reverse("crm:company_detail", args=[company.pk]))
    assert_escaped(admin_client, reverse("crm:company_list"))
    assert_escaped(admin_client, reverse("crm:contact_create"))
    assert_escaped(admin_client, reverse("crm:contact_update", args=[contact.pk]))
    assert_escaped(admin_client, reverse("crm:contact_list"))


def test_a_bound_form_with_errors_escapes_too(admin, admin_client, world):
    """The form shown again after a refused POST (help text beside an error)."""
    shape(admin, "warehouse")
    assert_escaped(admin_client, reverse("inventory:warehouse_create"), method="post", data={"custom_grade": "nope"})


def test_the_form_editor_its_preview_and_the_field_pages(admin, admin_client):
    shape(admin, "product")
    editor = reverse("layouts:editor", args=["product"])
    html = assert_escaped(admin_client, editor, shown=[IMAGE, SCRIPT])  # the labels
    order = [key for key in ("sku", "name", "note", "grade") if key in html]
    preview = {"order": order, "visible": order, "preview": "1"}
    assert_escaped(admin_client, editor, method="post", data=preview)
    assert_escaped(admin_client, reverse("layouts:field_update", args=["product", "grade"]))
    assert_escaped(
        admin_client, reverse("layouts:field_remove", args=["product", "note"]), method="post", shown=[IMAGE]
    )
    assert_escaped(admin_client, reverse("layouts:form_list"), shown=[])


def test_django_admin_pages_of_a_layout_and_an_object(admin, admin_client, world):
    shape(admin, "product")
    store(Product, world["product"].pk)
    layout_id = FormLayout.objects.get(key="product").pk
    assert_escaped(admin_client, reverse("admin:layouts_formlayout_change", args=[layout_id]))
    assert_escaped(admin_client, reverse("admin:inventory_product_change", args=[world["product"].pk]), shown=[])
