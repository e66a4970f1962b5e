"""A refusal never names what the user may not see, and a page the user may not submit is
refused on GET as on POST (here for a clerk whose rights are on one warehouse only)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import permissions_named
from inventory.models import Warehouse
from inventory.services.catalog import ProductInput, create_product
from tests.factories import BarcodeFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def alpha_clerk():
    """A clerk with the clerk's rights (managing warehouses among them) on Gudang Alpha only."""
    alpha = WarehouseFactory(name="Gudang Alpha", code="ALPHA", is_default=True)
    WarehouseFactory(name="Gudang Bravo", code="BRAVO")
    clerk = UserFactory(username="alpha-clerk")
    clerk.groups.add(limited_role("Clerk, Alpha", [alpha]))
    return clerk, alpha


def warehouse_post(warehouse: Warehouse, **changes) -> dict:
    data = {"name": warehouse.name, "code": warehouse.code, "address": "", "is_active": "on"}
    if warehouse.is_default:
        data["is_default"] = "on"
    return {**data, **changes}


def test_a_taken_code_does_not_name_a_warehouse_the_clerk_cannot_see(client, alpha_clerk):
    clerk, alpha = alpha_clerk
    client.force_login(clerk)
    response = client.post(reverse("inventory:warehouse_update", args=[alpha.pk]), warehouse_post(alpha, code="bravo"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["The code bravo is already used by another warehouse."]
    assert "Bravo" not in response.content.decode()
    alpha.refresh_from_db()
    assert alpha.code == "ALPHA"


def test_the_create_page_needs_the_right_for_all_warehouses_on_get_as_on_post(client, alpha_clerk):
    clerk, _alpha = alpha_clerk
    client.force_login(clerk)
    url = reverse("inventory:warehouse_create")
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Gudang Baru", "code": "BARU", "is_active": "on"}).status_code == 403
    assert not Warehouse.objects.filter(code="BARU").exists()
    assert "New warehouse" not in client.get(reverse("inventory:warehouse_list")).content.decode()


def test_the_edit_page_offers_the_default_only_with_the_right_for_all_warehouses(client, alpha_clerk):
    """Choosing the default concerns every warehouse: the box is disabled, so the page can
    always be sent (a ticked box sent anyway is ignored, not a 403)."""
    clerk, _alpha = alpha_clerk
    bravo = Warehouse.objects.get(code="BRAVO")
    client.force_login(clerk)
    role = clerk.groups.get()
    role.permissions.add(*permissions_named(["inventory.view_warehouse"]))  # sees Bravo, manages Alpha only
    alpha = Warehouse.objects.get(code="ALPHA")
    Warehouse.objects.filter(pk=alpha.pk).update(is_default=False)
    Warehouse.objects.filter(pk=bravo.pk).update(is_default=True)
    url = reverse("inventory:warehouse_update", args=[alpha.pk])
    assert client.get(url).context["form"].fields["is_default"].disabled
    response = client.post(url, warehouse_post(alpha, name="Gudang Alpha Baru", is_default="on"))
    assert response.status_code == 302
    alpha.refresh_from_db()
    assert (alpha.name, alpha.is_default) == ("Gudang Alpha Baru", False)


@pytest.fixture
def product_maker():
    """May create products but not see the catalog."""
    role = Group.objects.create(name="Product entry")
    role.permissions.set(permissions_named(["inventory.view_inventory", "inventory.add_product"]))
    user = UserFactory(username="entry")
    user.groups.add(role)
    return user


def test_a_taken_sku_or_barcode_names_the_product_only_to_who_may_see_products(product_maker, user):
    ProductFactory(sku="KOPI-1", name="Kopi Arabika")
    BarcodeFactory(code="8991234567890", product__name="Teh Botol")
    data = ProductInput(sku="kopi-1", name="Kopi Baru", barcodes=["8991234567890"], vat_rate=Decimal(0))
    with pytest.raises(ValidationError) as refused:
        create_product(by=product_maker, data=data)
    assert refused.value.message_dict == {
        "sku": ["The SKU kopi-1 is already used by another product."],
        "barcodes": ["The barcode 8991234567890 already belongs to another product."],
    }
    with pytest.raises(ValidationError) as refused:
        create_product(by=user, data=data)  # the administrator sees the catalog
    assert "“Kopi Arabika”" in refused.value.message_dict["sku"][0]
    assert "Teh Botol" in refused.value.message_dict["barcodes"][0]
