"""Django admin writes business state only through the services, with the user's rights: what
the app's pages refuse, the admin refuses too."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import grant_on_warehouses, permissions_named
from crm.models import Company, Contact
from crm.services.deals import DealInput, create_deal, lose_deal
from inventory.models import Barcode, DocumentType, InventorySettings, MinimumStock, Product, Warehouse
from tests.admin_helpers import admin_post
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db


def staff(client, *rights, warehouses=None, own=()):
    """Sign in a staff user whose role holds `rights` (globally, or on `warehouses` only for
    the per-warehouse ones) and who holds the Django permissions `own` directly."""
    role = Group.objects.create(name="Admin test role")
    per_warehouse = [r for r in rights if r in ("inventory.view_warehouse", "inventory.manage_warehouses")]
    role.permissions.set(permissions_named(set(rights) - set(per_warehouse if warehouses else ())))
    if warehouses:
        grant_on_warehouses(role, per_warehouse, warehouses)
    user = UserFactory(is_staff=True)
    user.groups.add(role)
    for name in own:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client.force_login(user)
    return user


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# -- products ---------------------------------------------------------------------------------


def test_editing_a_product_without_the_selling_price_right_keeps_the_price(client):
    product = ProductFactory(selling_price=Decimal("15.00"))
    staff(client, "inventory.view_product", "inventory.change_product")
    url = change_url(product)
    response = admin_post(client.get(url), {"name": "Renamed", "selling_price": "1.00"})
    assert client.post(url, response).status_code == 302
    product.refresh_from_db()
    assert product.name == "Renamed"
    assert product.selling_price == Decimal("15.00")


def test_with_the_selling_price_right_the_admin_changes_it(client):
    product = ProductFactory(selling_price=Decimal("15.00"))
    staff(client, "inventory.view_product", "inventory.change_product", "inventory.change_selling_price")
    url = change_url(product)
    assert client.post(url, admin_post(client.get(url), {"selling_price": "17.50"})).status_code == 302
    product.refresh_from_db()
    assert product.selling_price == Decimal("17.50")


def test_a_minimum_level_needs_the_warehouse(client):
    mine, other = WarehouseFactory(), WarehouseFactory()
    product = ProductFactory()
    MinimumStock.objects.create(product=product, warehouse=other, quantity=7)
    levels = ["inventory.view_minimumstock", "inventory.add_minimumstock", "inventory.change_minimumstock"]
    rights = ("inventory.view_product", "inventory.change_product", "inventory.view_warehouse")
    staff(client, *rights, warehouses=[mine], own=levels)
    url = change_url(product)
    page = client.get(url)
    assert other.name not in page.content.decode()  # neither its level nor the warehouse to choose
    response = client.post(url, admin_post(page, rows={"minimum_levels": [{"warehouse": other.pk, "quantity": 3}]}))
    assert response.status_code == 200  # refused beside the row
    assert dict(MinimumStock.objects.values_list("warehouse_id", "quantity")) == {other.pk: 7}
    # Its own warehouse it may set, and the other warehouse's level stays as it was.
    response = client.post(url, admin_post(page, rows={"minimum_levels": [{"warehouse": mine.pk, "quantity": 3}]}))
    assert response.status_code == 302
    assert dict(MinimumStock.objects.values_list("warehouse_id", "quantity")) == {other.pk: 7, mine.pk: 3}


def test_barcodes_and_minimums_are_saved_by_the_service(admin_client):
    warehouse = WarehouseFactory()
    product = ProductFactory()
    Barcode.objects.create(product=product, code="8991234000015")
    url = change_url(product)
    data = admin_post(
        admin_client.get(url),
        rows={
            "barcodes": [{"code": " 8991234000039 "}],
            "minimum_levels": [{"warehouse": warehouse.pk, "quantity": 4}],
        },
    )
    data["barcodes-0-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert list(product.barcodes.values_list("code", flat=True)) == ["8991234000039"]
    assert dict(product.minimum_levels.values_list("warehouse_id", "quantity")) == {warehouse.pk: 4}


def test_a_barcode_of_another_product_is_refused_with_a_message(admin_client):
    product = ProductFactory()
    Barcode.objects.create(product=ProductFactory(name="Kopi"), code="8991234000022")
    url = change_url(product)
    data = admin_post(admin_client.get(url), rows={"barcodes": [{"code": "8991234000022"}]})
    response = admin_client.post(url, data, follow=True)
    assert "already" in response.content.decode()
    assert not product.barcodes.exists()


def test_adding_a_product_in_the_admin_goes_through_the_service(admin_client):
    page = admin_client.get(reverse("admin:inventory_product_add"))
    data = admin_post(page, {"sku": "  NEW-1 ", "name": "New product", "selling_price": "2", "purchase_price": "1"})
    response = admin_client.post(reverse("admin:inventory_product_add"), data)
    assert response.status_code == 302
    product = Product.objects.get(sku="NEW-1")
    assert (product.name, product.selling_price, product.purchase_price) == ("New product", 2, 1)


# -- warehouses ---------------------------------------------------------------------------------


def test_a_warehouse_code_is_unique_whatever_its_case_in_the_admin_too(admin_client):
    WarehouseFactory(code="JKT-1")
    warehouse = WarehouseFactory(code="SBY-1")
    url = change_url(warehouse)
    response = admin_client.post(url, admin_post(admin_client.get(url), {"code": "jkt-1"}), follow=True)
    assert "already used" in response.content.decode()
    warehouse.refresh_from_db()
    assert warehouse.code == "SBY-1"


def test_a_warehouse_needs_the_warehouse_right_in_the_admin(client):
    warehouse = WarehouseFactory(name="Before")
    staff(client, "inventory.view_warehouse", own=["inventory.change_warehouse"])
    url = change_url(warehouse)
    response = client.post(url, admin_post(client.get(url), {"name": "After"}))
    assert response.status_code == 403
    assert Warehouse.objects.get(pk=warehouse.pk).name == "Before"


# -- documents ----------------------------------------------------------------------------------


def test_documents_and_their_lines_cannot_be_changed_in_the_admin(admin_client, admin_user):
    draft = make_document(
        DocumentType.ADJUSTMENT, by=admin_user, warehouse=WarehouseFactory(), lines=[(ProductFactory(), 1)]
    )
    url = change_url(draft)
    page = admin_client.get(url)
    assert page.status_code == 200  # to look at
    data = admin_post(page, {"comment": "changed"})
    data.update({"lines-0-quantity": "99", "comment": "changed"})
    assert admin_client.post(url, data).status_code == 403
    draft.refresh_from_db()
    assert draft.comment == ""
    assert list(draft.lines.values_list("quantity", flat=True)) == [1]


# -- settings -----------------------------------------------------------------------------------


def test_negative_stock_settings_need_the_settings_right(client):
    staff(client, own=["inventory.view_inventorysettings", "inventory.change_inventorysettings"])
    url = change_url(InventorySettings.load())
    assert client.get(url).status_code == 403
    assert client.post(url, {"allow_negative_write_off": "on"}).status_code == 403
    assert not InventorySettings.load().allow_negative_write_off


def test_the_settings_right_changes_negative_stock_settings_in_the_admin(client):
    staff(client, "inventory.manage_inventory_settings")
    url = change_url(InventorySettings.load())
    page = client.get(url)
    assert page.status_code == 200
    assert client.post(url, admin_post(page, {"allow_negative_write_off": True})).status_code == 302
    assert InventorySettings.load().allow_negative_write_off


# -- CRM ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Company, Contact])
def test_companies_and_contacts_need_the_crm_in_the_admin(client, model):
    obj = CompanyFactory(name="Before") if model is Company else Contact.objects.create(first_name="Before")
    name_field = "name" if model is Company else "first_name"
    staff(client, own=[f"crm.view_{model._meta.model_name}", f"crm.change_{model._meta.model_name}"])
    url = change_url(obj)
    response = client.post(url, admin_post(client.get(url), {name_field: "After"}))
    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, name_field) == "Before"


def test_companies_are_saved_by_the_service_in_the_admin(admin_client):
    company = CompanyFactory()
    url = change_url(company)
    response = admin_client.post(url, admin_post(admin_client.get(url), {"name": "  Spaced  ", "tax_id": " 01.234 "}))
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.tax_id) == ("Spaced", "01.234")  # the service trims


def test_a_closed_deal_cannot_be_changed_in_the_admin(admin_client, admin_user):
    deal = create_deal(by=admin_user, data=DealInput(title="Before", company=CompanyFactory()))
    lose_deal(deal, by=admin_user)
    url = change_url(deal)
    response = admin_client.post(url, admin_post(admin_client.get(url), {"title": "After"}), follow=True)
    assert "is closed" in response.content.decode()
    deal.refresh_from_db()
    assert deal.title == "Before"
