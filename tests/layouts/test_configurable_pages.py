"""The configurable forms as employees meet them: a layout change reaches every user's form,
hidden fields keep their values whatever a POST says, custom fields are checked, stored,
shown on detail pages, as list columns and filters, and come back after removal; rendering
costs the same queries however many custom fields there are."""

import re

import pytest
from django.urls import reverse

from accounts.catalogue import CLERK, STAFF
from crm.models import Deal
from crm.services.deals import DealInput, create_deal
from inventory.models import DocumentStatus, Product, StockDocument
from inventory.services.documents import process_document
from layouts.models import FieldType
from layouts.services import EntryInput, remove_custom_field, save_layout
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.layout_helpers import add_field, hide, page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return UserFactory(username="pages-clerk", roles=[CLERK])


@pytest.fixture
def staff():
    return UserFactory(username="pages-staff", roles=[STAFF])


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", is_default=True)


@pytest.fixture
def supplier():
    return CompanyFactory(name="PT Sumber", is_supplier=True)


def as_user(client, user):
    client.force_login(user)
    return client


def receipt_post(user, wh, supplier, **extra) -> dict:
    data = {
        "supplier": supplier.pk,
        "warehouse": wh.pk,
        "date": "2026-11-02",
        "currency": "IDR",
        "responsible": user.pk,
        "comment": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": ProductFactory(sku=f"P-{Product.objects.count()}").sku,
        "lines-0-quantity": "3",
        "lines-0-price": "100",
    }
    return {**data, **extra}


def field_names(html: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)


# --- hiding standard fields -----------------------------------------------------------------


def product_post(product: Product, **extra) -> dict:
    data = {
        "sku": product.sku,
        "name": product.name,
        "unit": product.unit,
        "category": product.category_id or "",
        "purchase_price": "10",
        "selling_price": "15",
        "vat_rate": "11",
        "is_active": "on",
        "barcodes": "",
    }
    return {**data, **extra}


def test_a_hidden_product_field_leaves_every_users_form_and_keeps_its_value(client, admin, clerk):
    product = ProductFactory(vat_rate=11)
    hide(admin, "product", "vat_rate")
    for user, url in (
        (admin, reverse("inventory:product_update", args=[product.pk])),
        (clerk, reverse("inventory:product_create")),
    ):
        html = as_user(client, user).get(url).content.decode()
        assert 'name="vat_rate"' not in html and 'name="sku"' in html
    as_user(client, admin)
    response = client.post(
        reverse("inventory:product_update", args=[product.pk]), product_post(product, name="Renamed", vat_rate="99")
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Renamed" and product.vat_rate == 11
    as_user(client, clerk)
    client.post(reverse("inventory:product_create"), product_post(Product(sku="NEW-1", name="New"), vat_rate="99"))
    assert Product.objects.get(sku="NEW-1").vat_rate == 0  # the default, not the POST


def test_a_hidden_receipt_comment_is_kept_when_a_draft_is_saved(client, admin, clerk, wh, supplier):
    as_user(client, clerk)
    client.post(
        reverse("inventory:document_create", args=["receipt"]), receipt_post(clerk, wh, supplier, comment="Pallet 4")
    )
    document = StockDocument.objects.get()
    hide(admin, "document_receipt", "comment")
    edit = reverse("inventory:document_update", args=["receipt", document.pk])
    assert 'name="comment"' not in client.get(edit).content.decode()
    data = receipt_post(clerk, wh, supplier, comment="overwritten", date="2026-11-03")
    data["lines-0-product"] = document.lines.get().product.sku
    assert client.post(edit, data).status_code == 302
    document.refresh_from_db()
    assert document.comment == "Pallet 4" and str(document.date) == "2026-11-03"


def test_a_hidden_price_column_still_saves_a_receipt_at_purchase_prices(client, admin, clerk, wh, supplier):
    hide(admin, "document_receipt", "line_price")
    as_user(client, clerk)
    html = client.get(reverse("inventory:document_create", args=["receipt"])).content.decode()
    assert 'name="lines-0-price"' not in html and 'name="lines-0-quantity"' in html
    response = client.post(reverse("inventory:document_create", args=["receipt"]), receipt_post(clerk, wh, supplier))
    assert response.status_code == 302
    line = StockDocument.objects.get().lines.select_related("product").get()
    assert line.price == line.product.purchase_price  # not the 100 of the POST


def test_a_hidden_deal_responsible_and_currency_take_the_defaults(client, admin, staff):
    hide(admin, "deal", "responsible", "currency", "comment")
    as_user(client, staff)
    company = CompanyFactory(is_client=True)
    data = {"title": "Grosir", "company": company.pk, "responsible": admin.pk, "currency": "USD", "comment": "x"}
    assert client.post(reverse("crm:deal_create"), data).status_code == 302
    deal = Deal.objects.get()
    assert (deal.responsible, deal.currency, deal.comment) == (staff, "IDR", "")


def test_a_hidden_company_field_keeps_its_value(client, admin, staff):
    company = CompanyFactory(tax_id="01.234", name="PT Lama")
    hide(admin, "company", "tax_id")
    as_user(client, staff)
    url = reverse("crm:company_update", args=[company.pk])
    assert 'name="tax_id"' not in client.get(url).content.decode()
    client.post(url, {"name": "PT Baru", "tax_id": "99.999", "is_client": "on"})
    company.refresh_from_db()
    assert (company.name, company.tax_id) == ("PT Baru", "01.234")


def test_label_overrides_and_order_reach_the_form(client, admin, clerk):
    save_layout(by=admin, key="product", entries=[EntryInput("name", label_en="Nama barang"), EntryInput("sku")])
    html = as_user(client, clerk).get(reverse("inventory:product_create")).content.decode()
    assert "Nama barang" in html
    names = field_names(html)
    assert names.index("name") < names.index("sku")


# --- custom fields ----------------------------------------------------------------------------


def test_a_required_custom_field_on_receipts_is_checked_beside_the_field(client, admin, clerk, wh, supplier):
    add_field(
        admin, "document_receipt", "grade", FieldType.CHOICE, choices=("A", "B"), required=True, label="Quality grade"
    )
    as_user(client, clerk)
    url = reverse("inventory:document_create", args=["receipt"])
    for bad in ({}, {"custom_grade": "Z"}):
        response = client.post(url, receipt_post(clerk, wh, supplier, **bad))
        assert response.status_code == 200
        html = response.content.decode()
        field = html[html.index('id="div_id_custom_grade"') :][:1500]
        assert "invalid-feedback" in field or "is-invalid" in field
    assert not StockDocument.objects.exists()
    assert client.post(url, receipt_post(clerk, wh, supplier, custom_grade="B")).status_code == 302
    document = StockDocument.objects.get()
    assert document.custom == {"grade": "B"}
    page = client.get(reverse("inventory:document_detail", args=["receipt", document.pk])).content.decode()
    assert "Quality grade" in page and ">B<" in page


TYPED = [
    (FieldType.TEXT, {}, "Gayo", "Gayo", "Gayo"),
    (FieldType.LONG_TEXT, {}, "two\r\nlines", "two\nlines", "two\nlines"),
    (FieldType.INTEGER, {}, "42", 42, "42"),
    (FieldType.DECIMAL, {}, "12.5", "12.5", "12.5"),
    (FieldType.DATE, {}, "2026-11-28", "2026-11-28", "2026-11-28"),
    (FieldType.BOOLEAN, {}, "yes", True, "yes"),
    (FieldType.CHOICE, {"choices": ("Besar", "Kecil")}, "Kecil", "Kecil", "Kecil"),
]


@pytest.mark.parametrize(("field_type", "extra", "typed", "stored", "shown"), TYPED)
def test_every_type_round_trips_through_the_deal_pages(client, admin, staff, field_type, extra, typed, stored, shown):
    add_field(admin, "deal", "extra", field_type, required=True, **extra)
    as_user(client, staff)
    company = CompanyFactory(is_client=True)
    data = {"title": "Grosir", "company": company.pk, "responsible": staff.pk, "currency": "IDR"}
    response = client.post(reverse("crm:deal_create"), data)
    assert response.status_code == 200 and "custom_extra" in response.context["form"].errors
    assert client.post(reverse("crm:deal_create"), {**data, "custom_extra": typed}).status_code == 302
    deal = Deal.objects.get()
    assert deal.custom == {"extra": stored}
    form = client.get(reverse("crm:deal_update", args=[deal.pk])).context["form"]
    assert str(form["custom_extra"].value()) == shown
    assert "Extra" in client.get(reverse("crm:deal_detail", args=[deal.pk])).content.decode()


@pytest.mark.parametrize(
    ("field_type", "bad"),
    [
        (FieldType.INTEGER, "abc"),
        (FieldType.DECIMAL, "1.2.3"),
        (FieldType.DATE, "2026-13-40"),
        (FieldType.BOOLEAN, "maybe"),
    ],
)
def test_mistyped_custom_values_are_refused_on_the_product_form(client, admin, field_type, bad):
    add_field(admin, "product", "extra", field_type)
    as_user(client, admin)
    response = client.post(
        reverse("inventory:product_create"), product_post(Product(sku="X-1", name="X"), custom_extra=bad)
    )
    assert response.status_code == 200 and "custom_extra" in response.context["form"].errors
    assert not Product.objects.filter(sku="X-1").exists()


def test_removing_and_adding_a_custom_field_again_brings_its_values_back(client, admin, staff):
    add_field(admin, "company", "segment", FieldType.TEXT, label="Segment")
    company = CompanyFactory(name="PT Segmen")
    as_user(client, staff)
    url = reverse("crm:company_update", args=[company.pk])
    client.post(url, {"name": "PT Segmen", "is_client": "on", "custom_segment": "Retail"})
    remove_custom_field(by=admin, key="company", field_key="segment")
    client.post(url, {"name": "PT Segmen", "is_client": "on", "custom_segment": "Gone"})
    company.refresh_from_db()
    assert company.custom == {"segment": "Retail"}
    assert "Retail" not in client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()
    add_field(admin, "company", "segment", FieldType.TEXT, label="Segment")
    assert client.get(url).context["form"]["custom_segment"].value() == "Retail"
    assert "Retail" in client.get(reverse("crm:company_detail", args=[company.pk])).content.decode()


def test_a_processed_document_keeps_showing_hidden_and_removed_values(client, admin, clerk, wh, supplier):
    add_field(admin, "document_receipt", "lot", FieldType.TEXT, label="Lot number")
    add_field(admin, "document_receipt", "checked", FieldType.BOOLEAN, label="Checked by QA")
    as_user(client, clerk)
    client.post(
        reverse("inventory:document_create", args=["receipt"]),
        receipt_post(clerk, wh, supplier, custom_lot="L-77", custom_checked="yes"),
    )
    document = StockDocument.objects.get()
    process_document(document, by=clerk)
    hide(admin, "document_receipt", "lot")
    remove_custom_field(by=admin, key="document_receipt", field_key="checked")
    page = client.get(reverse("inventory:document_detail", args=["receipt", document.pk])).content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.PROCESSED
    assert "Lot number" in page and "L-77" in page and "Checked by QA" in page


def test_list_columns_and_filters(client, admin):
    add_field(admin, "product", "origin", FieldType.CHOICE, choices=("Aceh", "Toraja"), in_list=True, label="Origin")
    add_field(admin, "product", "halal", FieldType.BOOLEAN, label="Halal")
    ProductFactory(name="Kopi Gayo", custom={"origin": "Aceh", "halal": True})
    ProductFactory(name="Kopi Toraja", custom={"origin": "Toraja", "halal": False})
    ProductFactory(name="Teh", custom={})
    as_user(client, admin)
    page = client.get(reverse("inventory:product_list")).content.decode()
    assert '<th scope="col">Origin</th>' in page and "<td>Toraja</td>" in page
    names = lambda response: [p.name for p in response.context["products"]]  # noqa: E731
    assert names(client.get(reverse("inventory:product_list"), {"custom_origin": "Aceh"})) == ["Kopi Gayo"]
    assert names(client.get(reverse("inventory:product_list"), {"custom_halal": "no"})) == ["Kopi Toraja"]

    add_field(admin, "deal", "source", FieldType.CHOICE, choices=("Web", "Toko"), in_list=True, label="Source")
    company = CompanyFactory(is_client=True)
    for title, source in (("Online", "Web"), ("Walk-in", "Toko")):
        create_deal(by=admin, data=DealInput(title=title, company=company, custom={"source": source}))
    deals = client.get(reverse("crm:deal_list"), {"custom_source": "Web"})
    assert [d.title for d in deals.context["deals"]] == ["Online"]
    assert '<th scope="col">Source</th>' in deals.content.decode() and "<td>Web</td>" in deals.content.decode()


def test_document_list_filters_by_a_choice_field(client, admin, clerk, wh, supplier):
    add_field(admin, "document_receipt", "grade", FieldType.CHOICE, choices=("A", "B"), in_list=True, label="Grade")
    as_user(client, clerk)
    url = reverse("inventory:document_create", args=["receipt"])
    client.post(url, receipt_post(clerk, wh, supplier, custom_grade="A"))
    client.post(url, receipt_post(clerk, wh, supplier, custom_grade="B"))
    listed = client.get(reverse("inventory:document_list", args=["receipt"]), {"custom_grade": "B"})
    assert [d.custom for d in listed.context["documents"]] == [{"grade": "B"}]
    assert "<td>B</td>" in listed.content.decode()


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "url"),
    [
        ("product", "inventory:product_create"),
        ("document_receipt", "inventory:document_create"),
        ("deal", "crm:deal_create"),
        ("company", "crm:company_create"),
    ],
)
def test_rendering_a_form_costs_the_same_queries_with_more_custom_fields(client, admin, wh, layout, url):
    target = reverse(url, args=["receipt"]) if url == "inventory:document_create" else reverse(url)
    as_user(client, admin)
    client.get(target)  # warm caches (permissions, session)
    add_field(admin, layout, "first", FieldType.TEXT)
    one = page_queries(client, target)
    for i, field_type in enumerate([*FieldType.values, *FieldType.values]):
        extra = {"choices": ("x", "y")} if field_type == FieldType.CHOICE else {}
        add_field(admin, layout, f"field_{i}", field_type, **extra)
    many = page_queries(client, target)
    assert many == one
    assert 'name="custom_field_13"' in client.get(target).content.decode()
