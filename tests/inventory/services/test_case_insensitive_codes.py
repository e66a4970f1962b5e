"""SKUs and barcodes ignore upper and lower case: `CASE-1` and `case-1` are one SKU. The
database enforces it; the service and the form say so beside the field."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from inventory.models import Barcode, Product
from inventory.services.catalog import ProductInput, create_product, update_product
from tests.factories import BarcodeFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_sku_differing_only_in_case_is_refused_naming_the_other_product(user):
    ProductFactory(sku="CASE-1", name="Kopi Arabika")
    with pytest.raises(ValidationError) as refused:
        create_product(by=user, data=ProductInput(sku="case-1", name="Kopi Robusta"))
    message = refused.value.message_dict["sku"][0]
    assert "case-1" in message and "Kopi Arabika" in message
    assert Product.objects.count() == 1


def test_another_product_cannot_take_a_sku_in_another_case(user):
    ProductFactory(sku="CASE-1")
    other = ProductFactory(sku="OTHER-1")
    with pytest.raises(ValidationError) as refused:
        update_product(other, by=user, data=ProductInput(sku="Case-1", name="Teh"))
    assert "sku" in refused.value.message_dict
    other.refresh_from_db()
    assert other.sku == "OTHER-1"


def test_a_product_may_change_the_case_of_its_own_sku(user):
    product = ProductFactory(sku="case-1")
    update_product(product, by=user, data=ProductInput(sku="CASE-1", name=product.name))
    product.refresh_from_db()
    assert product.sku == "CASE-1"


def test_the_database_refuses_a_sku_in_another_case():
    ProductFactory(sku="CASE-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(sku="case-1", name="Kopi")


def test_a_barcode_differing_only_in_case_is_refused(user):
    BarcodeFactory(code="ABC-123", product__name="Teh Botol")
    with pytest.raises(ValidationError) as refused:
        create_product(by=user, data=ProductInput(sku="X-1", name="Kopi", barcodes=["abc-123"]))
    message = refused.value.message_dict["barcodes"][0]
    assert "abc-123" in message and "Teh Botol" in message
    assert Product.objects.count() == 1


def test_the_database_refuses_a_barcode_in_another_case():
    BarcodeFactory(code="ABC-123")
    with pytest.raises(IntegrityError), transaction.atomic():
        Barcode.objects.create(code="abc-123", product=ProductFactory())


def test_one_code_typed_twice_in_two_cases_is_one_barcode(user):
    product = create_product(by=user, data=ProductInput(sku="X-1", name="Kopi", barcodes=["abc-123", "ABC-123"]))
    assert list(product.barcodes.values_list("code", flat=True)) == ["abc-123"]


def test_a_product_may_change_the_case_of_its_own_barcode(user):
    product = create_product(by=user, data=ProductInput(sku="X-1", name="Kopi", barcodes=["abc-123"]))
    update_product(product, by=user, data=ProductInput(sku="X-1", name="Kopi", barcodes=["ABC-123"]))
    assert list(product.barcodes.values_list("code", flat=True)) == ["ABC-123"]


def test_the_product_form_shows_the_case_insensitive_duplicate_beside_the_sku(client_logged_in):
    ProductFactory(sku="KOPI-01", name="Kopi Toraja")
    response = client_logged_in.post(
        reverse("inventory:product_create"),
        {"sku": "kopi-01", "name": "Kopi", "unit": "pcs", "vat_rate": "0", "purchase_price": "1", "selling_price": "2"},
    )
    assert response.status_code == 200
    assert "Kopi Toraja" in " ".join(response.context["form"].errors["sku"])
    assert Product.objects.count() == 1
