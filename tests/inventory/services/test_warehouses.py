"""Warehouse services: one default, deactivation, deletion only when never used."""

import pytest
from django.core.exceptions import ValidationError

from inventory.models import Warehouse
from inventory.services.warehouses import (
    WarehouseInput,
    create_warehouse,
    deactivate_warehouse,
    delete_warehouse,
    update_warehouse,
)
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db


def _fields(warehouse: Warehouse, **changes) -> dict:
    fields = {
        "name": warehouse.name,
        "code": warehouse.code,
        "address": warehouse.address,
        "responsible": warehouse.responsible,
        "is_active": warehouse.is_active,
        "is_default": warehouse.is_default,
    }
    return {**fields, **changes}


def test_first_warehouse_becomes_default_and_later_ones_do_not(user):
    first = create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    second = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY"))
    assert first.is_default and not second.is_default


def test_making_another_warehouse_default_takes_the_flag_from_the_previous(user):
    first = create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    second = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY", is_default=True))
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    third = create_warehouse(by=user, data=WarehouseInput(name="Bandung", code="BDG"))
    update_warehouse(third, by=user, data=WarehouseInput(**_fields(third, is_default=True)))
    assert list(Warehouse.objects.filter(is_default=True).values_list("code", flat=True)) == ["BDG"]


def test_the_default_cannot_be_unset_without_choosing_another(user):
    first = create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    with pytest.raises(ValidationError) as error:
        update_warehouse(first, by=user, data=WarehouseInput(**_fields(first, is_default=False)))
    assert "is_default" in error.value.error_dict
    first.refresh_from_db()
    assert first.is_default


def test_codes_are_unique_ignoring_case(user):
    create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    with pytest.raises(ValidationError) as error:
        create_warehouse(by=user, data=WarehouseInput(name="Jakarta 2", code="jkt"))
    assert error.value.error_dict["code"][0].message == "The code jkt is already used by another warehouse."
    assert Warehouse.objects.count() == 1


def test_name_and_code_are_required(user):
    with pytest.raises(ValidationError) as error:
        create_warehouse(by=user, data=WarehouseInput(name="  ", code=""))
    assert set(error.value.error_dict) == {"name", "code"}


def test_deactivate_a_warehouse(user):
    create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    other = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY"))
    deactivate_warehouse(other, by=user)
    other.refresh_from_db()
    assert other.is_active is False


def test_the_default_cannot_be_deactivated(user):
    default = create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    with pytest.raises(ValidationError, match="choose another default first"):
        deactivate_warehouse(default, by=user)
    with pytest.raises(ValidationError) as error:
        update_warehouse(default, by=user, data=WarehouseInput(**_fields(default, is_active=False)))
    assert "is_active" in error.value.error_dict
    default.refresh_from_db()
    assert default.is_active


def test_an_unused_warehouse_can_be_deleted(user):
    create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    other = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY"))
    delete_warehouse(other, by=user)
    assert not Warehouse.objects.filter(pk=other.pk).exists()


def test_a_warehouse_with_movements_cannot_be_deleted(user):
    create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    used = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY"))
    stock_in(by=user, warehouse=used, product=ProductFactory(), quantity=5)
    with pytest.raises(ValidationError, match="deactivate it instead"):
        delete_warehouse(used, by=user)
    assert Warehouse.objects.filter(pk=used.pk).exists()


def test_the_default_can_be_deleted_only_when_it_is_the_last(user):
    default = create_warehouse(by=user, data=WarehouseInput(name="Jakarta", code="JKT"))
    other = create_warehouse(by=user, data=WarehouseInput(name="Surabaya", code="SBY"))
    with pytest.raises(ValidationError, match="choose another default first"):
        delete_warehouse(default, by=user)
    delete_warehouse(other, by=user)
    delete_warehouse(default, by=user)
    assert not Warehouse.objects.exists()


def test_the_default_must_be_active(user):
    WarehouseFactory(is_default=True)
    with pytest.raises(ValidationError) as error:
        create_warehouse(by=user, data=WarehouseInput(name="Bandung", code="BDG", is_active=False, is_default=True))
    assert "is_active" in error.value.error_dict
