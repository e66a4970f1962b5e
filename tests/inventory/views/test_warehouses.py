"""Warehouse pages: list, create, edit, deactivate, delete; bad input never changes anything."""

import pytest
from django.urls import reverse

from inventory.models import Warehouse
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db


def _post_data(**changes) -> dict:
    data = {"name": "Gudang Jakarta", "code": "JKT", "address": "Jl. Sudirman 1", "is_active": "on"}
    return {**data, **changes}


def test_list_shows_warehouses_with_default_badge(client_logged_in):
    responsible = UserFactory(username="budi", first_name="Budi", last_name="Santoso")
    WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True, responsible=responsible)
    WarehouseFactory(name="Gudang Bandung", code="BDG", is_active=False)
    response = client_logged_in.get(reverse("inventory:warehouse_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gudang Jakarta" in html and "Gudang Bandung" in html and "Budi Santoso" in html
    assert html.count(">Default</span>") == 1
    assert "Inactive" in html


def test_create_the_first_warehouse_makes_it_default(client_logged_in):
    response = client_logged_in.post(reverse("inventory:warehouse_create"), _post_data())
    assert response.status_code == 302
    warehouse = Warehouse.objects.get()
    assert (warehouse.code, warehouse.is_default, warehouse.address) == ("JKT", True, "Jl. Sudirman 1")


def test_duplicate_code_is_shown_beside_the_field(client_logged_in):
    WarehouseFactory(name="Gudang Lama", code="JKT")
    response = client_logged_in.post(reverse("inventory:warehouse_create"), _post_data(code="jkt"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["The code jkt is already used by another warehouse."]
    assert Warehouse.objects.count() == 1


def test_edit_makes_another_warehouse_default(client_logged_in):
    old = WarehouseFactory(is_default=True)
    new = WarehouseFactory(name="Gudang Surabaya", code="SBY")
    url = reverse("inventory:warehouse_update", args=[new.pk])
    response = client_logged_in.post(url, _post_data(name="Gudang Surabaya", code="SBY", is_default="on"))
    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.is_default and not old.is_default


def test_unsetting_the_default_shows_an_error(client_logged_in):
    default = WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    response = client_logged_in.post(reverse("inventory:warehouse_update", args=[default.pk]), _post_data())
    assert response.status_code == 200
    assert response.context["form"].errors["is_default"]
    default.refresh_from_db()
    assert default.is_default


def test_deactivate_is_post_only(client_logged_in):
    WarehouseFactory(is_default=True)
    other = WarehouseFactory()
    url = reverse("inventory:warehouse_deactivate", args=[other.pk])
    assert client_logged_in.get(url).status_code == 405
    response = client_logged_in.post(url, follow=True)
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.is_active is False
    assert "deactivated" in response.content.decode()


def test_deactivating_the_default_shows_a_message(client_logged_in):
    default = WarehouseFactory(name="Gudang Jakarta", is_default=True)
    response = client_logged_in.post(reverse("inventory:warehouse_deactivate", args=[default.pk]), follow=True)
    assert "choose another default first" in response.content.decode()
    default.refresh_from_db()
    assert default.is_active


def test_delete_an_unused_warehouse(client_logged_in):
    WarehouseFactory(is_default=True)
    other = WarehouseFactory()
    response = client_logged_in.post(reverse("inventory:warehouse_delete", args=[other.pk]))
    assert response.status_code == 302
    assert not Warehouse.objects.filter(pk=other.pk).exists()


def test_delete_a_warehouse_with_movements_is_refused_with_a_message(client_logged_in, user):
    WarehouseFactory(is_default=True)
    used = WarehouseFactory(name="Gudang Medan")
    stock_in(by=user, warehouse=used, product=ProductFactory(), quantity=3)
    response = client_logged_in.post(reverse("inventory:warehouse_delete", args=[used.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot be deleted; deactivate it instead" in response.content.decode()
    assert Warehouse.objects.filter(pk=used.pk).exists()


@pytest.mark.parametrize("name", ["warehouse_update", "warehouse_deactivate", "warehouse_delete"])
def test_unknown_warehouse_is_404(client_logged_in, name):
    url = reverse(f"inventory:{name}", args=[999999])
    assert client_logged_in.post(url).status_code == 404


def test_bad_input_is_a_form_error(client_logged_in):
    response = client_logged_in.post(
        reverse("inventory:warehouse_create"), _post_data(name="", code="X" * 50, responsible="not-a-user")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "code", "responsible"}
    assert not Warehouse.objects.exists()


def test_pages_need_login(client):
    response = client.get(reverse("inventory:warehouse_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]
