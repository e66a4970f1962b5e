"""Catalog services: unique SKUs and barcodes with clear messages, minimum stock per warehouse."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.models import Barcode, MinimumStock, Product
from inventory.services.catalog import ProductInput, create_product, parse_barcodes, update_product
from tests.factories import BarcodeFactory, CategoryFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def _kwargs(**changes) -> dict:
    fields = {
        "sku": "KOPI-1",
        "name": "Kopi Luwak 250 g",
        "unit": "pcs",
        "category": None,
        "purchase_price": Decimal("50000"),
        "selling_price": Decimal("75000"),
        "vat_rate": Decimal("11"),
        "is_active": True,
        "barcodes": ["8991234567890"],
        "minimums": {},
    }
    return {**fields, **changes}


def test_create_product_with_barcodes_and_minimums(user):
    jakarta, surabaya = WarehouseFactory(), WarehouseFactory()
    category = CategoryFactory(name="Coffee")
    product = create_product(
        by=user,
        data=ProductInput(
            **_kwargs(
                category=category,
                barcodes=["111", " 222 ", "111", ""],
                minimums={jakarta: Decimal("5"), surabaya: None},
            )
        ),
    )
    assert product.category == category
    assert sorted(product.barcodes.values_list("code", flat=True)) == ["111", "222"]
    assert dict(MinimumStock.objects.values_list("warehouse", "quantity")) == {jakarta.pk: Decimal("5")}


def test_sku_is_unique_with_a_message_naming_the_other_product(user):
    ProductFactory(sku="KOPI-1", name="Kopi Arabika")
    with pytest.raises(ValidationError) as error:
        create_product(by=user, data=ProductInput(**_kwargs()))
    assert error.value.error_dict["sku"][0].message == "The SKU KOPI-1 is already used by “Kopi Arabika”."
    assert Product.objects.count() == 1


def test_barcode_is_unique_across_products_and_nothing_is_saved(user):
    other = BarcodeFactory(code="8991234567890", product__sku="TEH-1", product__name="Teh Botol").product
    with pytest.raises(ValidationError) as error:
        create_product(by=user, data=ProductInput(**_kwargs(barcodes=["123", "8991234567890"])))
    message = error.value.error_dict["barcodes"][0].message
    assert "8991234567890" in message and "Teh Botol" in message
    assert not Product.objects.filter(sku="KOPI-1").exists()
    assert list(Barcode.objects.values_list("code", flat=True)) == ["8991234567890"]
    assert other.barcodes.count() == 1


def test_update_replaces_barcodes_and_keeps_its_own(user):
    product = create_product(by=user, data=ProductInput(**_kwargs(barcodes=["111", "222"])))
    kept = product.barcodes.get(code="111")
    update_product(product, by=user, data=ProductInput(**_kwargs(barcodes=["111", "333"])))
    assert sorted(product.barcodes.values_list("code", flat=True)) == ["111", "333"]
    assert product.barcodes.get(code="111").pk == kept.pk


def test_update_keeps_its_own_sku(user):
    product = create_product(by=user, data=ProductInput(**_kwargs()))
    update_product(product, by=user, data=ProductInput(**_kwargs(name="Kopi Luwak 500 g")))
    product.refresh_from_db()
    assert product.name == "Kopi Luwak 500 g"


def test_minimum_set_changed_and_removed(user):
    jakarta, surabaya, bandung = WarehouseFactory(), WarehouseFactory(), WarehouseFactory()
    product = create_product(
        by=user, data=ProductInput(**_kwargs(minimums={jakarta: Decimal("5"), surabaya: Decimal("2")}))
    )
    update_product(
        product, by=user, data=ProductInput(**_kwargs(minimums={jakarta: Decimal("7.5"), surabaya: Decimal("0")}))
    )
    assert dict(product.minimum_levels.values_list("warehouse", "quantity")) == {jakarta.pk: Decimal("7.5")}
    update_product(product, by=user, data=ProductInput(**_kwargs(minimums={bandung: Decimal("1")})))
    assert dict(product.minimum_levels.values_list("warehouse", "quantity")) == {
        jakarta.pk: Decimal("7.5"),
        bandung.pk: Decimal("1"),
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("purchase_price", Decimal("-1")),
        ("selling_price", Decimal("0.001")),
        ("vat_rate", Decimal("101")),
        ("sku", " "),
        ("name", ""),
        ("unit", "bucket"),
    ],
)
def test_bad_values_are_refused_per_field(user, field, value):
    with pytest.raises(ValidationError) as error:
        create_product(by=user, data=ProductInput(**_kwargs(**{field: value})))
    assert field in error.value.error_dict
    assert not Product.objects.exists()


def test_negative_minimum_is_refused(user):
    warehouse = WarehouseFactory()
    with pytest.raises(ValidationError) as error:
        create_product(by=user, data=ProductInput(**_kwargs(minimums={warehouse: Decimal("-1")})))
    assert f"min_{warehouse.pk}" in error.value.error_dict


def test_parse_barcodes():
    assert parse_barcodes("111, 222\n333;111\n\n 444 ") == ["111", "222", "333", "444"]
