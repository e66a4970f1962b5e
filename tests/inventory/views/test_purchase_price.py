"""Purchase prices are absent for users without "View purchase price": product pages and
forms, the cost prices of documents (all but sales orders), what stock cost (values, unit
costs, cost layers, a sales order's COGS and profit), and the admin."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR
from accounts.roles import permissions_named
from inventory.models import DocumentType
from inventory.services.catalog import ProductInput, create_product
from inventory.services.documents import process_document
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

COST = "12345.00"  # a purchase price no other number on the pages resembles (whole rupiah: pages show no sen)


@pytest.fixture
def site():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    role = Group.objects.create(name="Buyer without costs")
    rights = ["inventory.view_inventory", "inventory.view_warehouse", "inventory.view_product"]
    rights += ["inventory.change_product", "inventory.change_selling_price"]
    rights += [f"inventory.{a}_{t}" for a in ("view", "edit") for t in ("receipt", "sales_order")]
    role.permissions.set(permissions_named(rights))
    user = UserFactory(username="no-costs", is_staff=True)
    user.groups.add(role)
    warehouse = WarehouseFactory()
    product = ProductFactory(name="Gula Pasir", purchase_price=Decimal(COST), selling_price=Decimal("20000"))
    receipt = make_document(
        DocumentType.RECEIPT,
        by=admin,
        warehouse=warehouse,
        supplier=CompanyFactory(),
        lines=[(product, 5, COST)],
    )
    return {"admin": admin, "user": user, "warehouse": warehouse, "product": product, "receipt": receipt}


@pytest.fixture
def user_client(client, site):
    client.force_login(site["user"])
    return client


def cost_shown(response) -> bool:
    text = response.content.decode()
    return "12345" in text.replace(".", "").replace(",", "")


def shown(response, number: str) -> bool:
    """Whether `number` (digits only) is on the page, whatever its grouping."""
    return number in response.content.decode().replace(".", "").replace(",", "")


def page(client, url: str):
    """A page the client may open: it answers 200 (so a missing price means hidden, not refused)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_product_pages_hide_the_purchase_price(user_client, site, client):
    product = site["product"]
    detail = page(user_client, reverse("inventory:product_detail", args=[product.pk]))
    assert not cost_shown(detail)
    assert "Purchase price" not in detail.content.decode()
    form = page(user_client, reverse("inventory:product_update", args=[product.pk]))
    assert "purchase_price" not in form.context["form"].fields and not cost_shown(form)


def test_an_edit_without_the_field_keeps_the_purchase_price(user_client, site):
    product = site["product"]
    data = {"sku": product.sku, "name": "Gula Pasir 1 kg", "unit": product.unit, "selling_price": "21000"}
    data |= {"vat_rate": "11", "is_active": "on", "purchase_price": "1"}  # a smuggled price is ignored
    response = user_client.post(reverse("inventory:product_update", args=[product.pk]), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.selling_price, product.purchase_price) == (
        "Gula Pasir 1 kg",
        Decimal("21000"),
        Decimal(COST),
    )


def test_receipts_hide_their_cost_prices(user_client, site):
    receipt = site["receipt"]
    detail = page(user_client, reverse("inventory:document_detail", args=["receipt", receipt.pk]))
    assert not cost_shown(detail)
    listing = page(user_client, reverse("inventory:document_list", args=["receipt"]))
    assert receipt.number in listing.content.decode() and not cost_shown(listing)
    edit = page(user_client, reverse("inventory:document_update", args=["receipt", receipt.pk]))
    assert not cost_shown(edit)
    assert all("price" not in form.fields for form in edit.context["formset"])


def test_a_receipt_saved_without_prices_keeps_or_takes_the_purchase_price(user_client, site):
    receipt = site["receipt"]
    other = ProductFactory(purchase_price=Decimal("700"))
    data = {
        "supplier": receipt.supplier_id,
        "warehouse": site["warehouse"].pk,
        "date": "2026-11-28",
        "currency": "IDR",
        "responsible": site["user"].pk,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "1",
        "lines-0-product": site["product"].sku,
        "lines-0-quantity": "6",
        "lines-0-price": "1",  # not a field for this user: ignored
        "lines-1-product": other.sku,
        "lines-1-quantity": "2",
    }
    response = user_client.post(reverse("inventory:document_update", args=["receipt", receipt.pk]), data)
    assert response.status_code == 302, response.context and response.context["header_form"].errors
    prices = dict(receipt.lines.values_list("product_id", "price"))
    assert prices == {site["product"].pk: Decimal(COST), other.pk: Decimal("700")}


def test_sales_orders_show_their_selling_prices(user_client, site):
    order = make_document(
        DocumentType.SALES_ORDER,
        by=site["admin"],
        warehouse=site["warehouse"],
        lines=[(site["product"], 1, "20000")],
    )
    detail = page(user_client, reverse("inventory:document_detail", args=["sales_order", order.pk]))
    assert detail.context["show_prices"] and "20,000" in detail.content.decode().replace(".", ",")


def test_the_admin_hides_the_purchase_price(user_client, site):
    product_url = reverse("admin:inventory_product_change", args=[site["product"].pk])
    receipt_url = reverse("admin:inventory_stockdocument_change", args=[site["receipt"].pk])
    documents = permissions_named(["inventory.view_stockdocument", "inventory.view_documentline"])
    for person in (site["user"], site["admin"]):  # Django's own right to open documents in the admin
        person.user_permissions.add(*documents)
    product = page(user_client, product_url)
    assert "purchase_price" not in product.content.decode() and not cost_shown(product)
    receipt = page(user_client, receipt_url)
    assert site["receipt"].number in receipt.content.decode() and not cost_shown(receipt)
    # The same pages show it to a holder of the right.
    user_client.force_login(site["admin"])
    assert cost_shown(page(user_client, product_url)) and cost_shown(page(user_client, receipt_url))


def test_the_service_refuses_a_purchase_price_from_a_user_without_the_right(site):
    with pytest.raises(PermissionDenied):
        create_product(by=site["user"], data=ProductInput(sku="NEW-1", name="New", purchase_price=Decimal("5")))


def test_holders_of_the_right_see_it(client, site):
    client.force_login(site["admin"])
    assert cost_shown(page(client, reverse("inventory:product_detail", args=[site["product"].pk])))
    assert cost_shown(page(client, reverse("inventory:product_update", args=[site["product"].pk])))
    assert cost_shown(page(client, reverse("inventory:document_detail", args=["receipt", site["receipt"].pk])))
    assert cost_shown(page(client, reverse("inventory:document_update", args=["receipt", site["receipt"].pk])))


def test_what_stock_cost_is_hidden(user_client, site, client):
    """The receipt's 5 @ 12,345 is worth 61,725; a sale of 2 of them costs 24,690."""
    process_document(site["receipt"], by=site["admin"])
    order = make_document(
        DocumentType.SALES_ORDER, by=site["admin"], warehouse=site["warehouse"], lines=[(site["product"], 2, "20000")]
    )
    process_document(order, by=site["admin"])
    pages = {
        reverse("inventory:stock"): "37035",  # the 3 left
        reverse("inventory:product_detail", args=[site["product"].pk]): "37035",
        reverse("inventory:document_detail", args=["receipt", site["receipt"].pk]): "61725",
        reverse("inventory:document_detail", args=["sales_order", order.pk]): "24690",
    }
    for url, number in pages.items():
        response = page(user_client, url)
        assert not shown(response, number) and not cost_shown(response), url
        for word in ("Unit cost", "Cost layers", "Total value", "COGS", "Gross profit", "Margin", "Markup"):
            assert word not in response.content.decode(), (url, word)
    client.force_login(site["admin"])
    for url, number in pages.items():
        assert shown(page(client, url), number), url
