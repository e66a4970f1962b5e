"""Warehouses, products, stock and movements through the API, scoped as the pages."""

from decimal import Decimal

import pytest

from inventory.models import MinimumStock, Product
from tests.factories import BarcodeFactory
from tests.stock_helpers import hold

pytestmark = pytest.mark.django_db


def test_a_limited_clerk_sees_only_their_warehouse_everywhere(world, as_user):
    api, alpha, bravo = as_user("limited"), world["alpha"], world["bravo"]
    assert [w["code"] for w in api.get("/api/v1/warehouses/").json()["results"]] == ["ALPHA"]
    assert api.get(f"/api/v1/warehouses/{bravo.pk}/").status_code == 404
    assert api.patch(f"/api/v1/warehouses/{bravo.pk}/", {"name": "x"}, format="json").status_code == 404
    stock = api.get("/api/v1/stock/").json()["results"]
    assert {row["warehouse"] for row in stock} == {alpha.pk}
    product = api.get(f"/api/v1/products/{world['product'].pk}/").json()
    assert product["on_hand"] == "10.000"  # Alpha's 10, not Bravo's 70
    moves = api.get("/api/v1/movements/").json()["results"]
    assert moves and {m["warehouse"] for m in moves} == {alpha.pk}
    bravo_move = world["product"].moves.get(warehouse=bravo)
    assert api.get(f"/api/v1/movements/{bravo_move.pk}/").status_code == 404
    filtered = api.get("/api/v1/stock/", {"warehouse": bravo.pk})
    assert filtered.status_code == 400 and set(filtered.json()["fields"]) == {"warehouse"}
    assert "Bravo" not in filtered.content.decode()
    refused = api.post("/api/v1/warehouses/", {"name": "Baru", "code": "NEW"}, format="json")
    assert refused.status_code == 403  # creating needs the right for all warehouses


def test_stock_shows_available_and_reserved_and_filters_below_minimum(world, as_user):
    product, alpha = world["product"], world["alpha"]
    hold(by=world["admin"], warehouse=alpha, product=product, quantity=4)
    MinimumStock.objects.create(product=product, warehouse=alpha, quantity=Decimal(8))
    api = as_user("staff")
    rows = api.get("/api/v1/stock/", {"product": product.pk}).json()["results"]
    alpha_row = next(r for r in rows if r["warehouse"] == alpha.pk)
    assert alpha_row | {"on_hand": alpha_row["on_hand"]} == {
        "warehouse": alpha.pk,
        "product": product.pk,
        "sku": "KOPI-1",
        "name": "Kopi Bubuk",
        "on_hand": "10.000",
        "reserved": "4.000",
        "available": "6.000",
        "minimum": "8.000",
        "is_below_minimum": True,
    }  # no value: the staff role does not see purchase prices
    below = api.get("/api/v1/stock/", {"below_minimum": "true"}).json()["results"]
    assert [(r["warehouse"], r["product"]) for r in below] == [(alpha.pk, product.pk)]
    assert "value" in as_user("admin").get("/api/v1/stock/").json()["results"][0]
    assert api.get("/api/v1/stock/", {"product": "abc"}).status_code == 400


def test_products_with_barcodes_and_purchase_price_only_with_the_right(world, as_user):
    BarcodeFactory(product=world["product"], code="8991234567890")
    shown = as_user("clerk").get(f"/api/v1/products/{world['product'].pk}/").json()
    assert shown["barcodes"] == ["8991234567890"] and shown["purchase_price"] == "10.00"
    hidden = as_user("staff").get(f"/api/v1/products/{world['product'].pk}/").json()
    assert "purchase_price" not in hidden and hidden["selling_price"] == "15.00"
    listed = as_user("staff").get("/api/v1/products/", {"q": "8991234567890"}).json()
    assert listed["count"] == 1 and "purchase_price" not in listed["results"][0]


def test_a_product_is_created_and_changed_through_the_service(world, as_user):
    api = as_user("admin")
    made = api.post(
        "/api/v1/products/",
        {
            "sku": "TEH-1",
            "name": "Teh Melati",
            "purchase_price": "4.50",
            "barcodes": ["111", "222"],
            "minimums": [{"warehouse": world["alpha"].pk, "quantity": "3"}],
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    product = Product.objects.get(sku="TEH-1")
    assert made.json()["barcodes"] == ["111", "222"] and product.purchase_price == Decimal("4.50")
    assert MinimumStock.objects.get(product=product).quantity == 3
    changed = api.patch(f"/api/v1/products/{product.pk}/", {"name": "Teh Hijau"}, format="json").json()
    assert changed["name"] == "Teh Hijau" and changed["barcodes"] == ["111", "222"]
    taken = api.post("/api/v1/products/", {"sku": "teh-1", "name": "Lain"}, format="json")
    assert taken.status_code == 400 and "already used" in taken.json()["fields"]["sku"][0]
    staff = as_user("staff")  # may not create products
    assert staff.post("/api/v1/products/", {"sku": "X", "name": "X"}, format="json").status_code == 403
    clerk = as_user("clerk")  # creates, but a selling price needs "Change selling price"
    priced = clerk.post("/api/v1/products/", {"sku": "X", "name": "X", "selling_price": "1"}, format="json")
    assert priced.status_code == 403
    assert not Product.objects.filter(sku="X").exists()
