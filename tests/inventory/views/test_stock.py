"""The stock page: balances with available and minimum, filters, highlighting, query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR
from inventory.models import MinimumStock, StockBalance
from inventory.selectors.stock import stock_rows
from tests.factories import BarcodeFactory, CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db

STOCK = reverse("inventory:stock")


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


def test_stock_page_shows_balances_with_available_and_minimum(client_logged_in, user, wh):
    product = ProductFactory(sku="BERAS-5", name="Beras 5 kg")
    stock_in(by=user, warehouse=wh, product=product, quantity="12.5")
    hold(by=user, warehouse=wh, product=product, quantity=3)
    MinimumStock.objects.create(product=product, warehouse=wh, quantity=20)

    response = client_logged_in.get(STOCK)
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.on_hand, row.reserved, row.available, row.minimum) == (
        Decimal("12.5"),
        Decimal("3"),
        Decimal("9.5"),
        Decimal("20"),
    )
    assert row.is_below_minimum
    html = response.content.decode()
    assert "Beras 5 kg" in html and "BERAS-5" in html and "Gudang Jakarta" in html
    assert reverse("inventory:product_detail", args=[product.pk]) in html
    assert 'class="table-warning"' in html and "9.5" in html


def test_filters(client_logged_in, user, wh):
    other = WarehouseFactory(name="Gudang Bandung")
    drinks = CategoryFactory(name="Drinks")
    kopi = ProductFactory(sku="KOPI-1", name="Kopi", category=drinks)
    BarcodeFactory(product=kopi, code="8990001")
    gula = ProductFactory(sku="GULA-1", name="Gula")
    stock_in(by=user, warehouse=wh, product=kopi, quantity=5)
    stock_in(by=user, warehouse=other, product=gula, quantity=1)
    MinimumStock.objects.create(product=gula, warehouse=other, quantity=3)
    MinimumStock.objects.create(product=kopi, warehouse=wh, quantity=5)  # exactly at the minimum: fine
    StockBalance.objects.create(warehouse=wh, product=gula)  # a zero balance

    def skus(**params):
        return [(r.product.sku, r.warehouse.name) for r in client_logged_in.get(STOCK, params).context["rows"]]

    assert len(skus()) == 3
    assert skus(warehouse=other.pk) == [("GULA-1", "Gudang Bandung")]
    assert skus(q="kop") == [("KOPI-1", "Gudang Jakarta")]
    assert skus(q="8990001") == [("KOPI-1", "Gudang Jakarta")]
    assert skus(category=drinks.pk) == [("KOPI-1", "Gudang Jakarta")]
    assert ("GULA-1", "Gudang Jakarta") not in skus(non_zero="on")
    assert skus(below_minimum="on") == [("GULA-1", "Gudang Bandung")]
    assert client_logged_in.get(STOCK, {"warehouse": "nonsense"}).status_code == 200


def test_selector_below_minimum_counts_reservations(user, wh):
    product = ProductFactory()
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    MinimumStock.objects.create(product=product, warehouse=wh, quantity=8)
    assert not stock_rows(below_minimum=True).exists()
    expired = hold(by=user, warehouse=wh, product=product, quantity=3, until=timezone.now() - timedelta(seconds=1))
    assert not stock_rows(below_minimum=True).exists()  # an expired reservation counts for nothing
    expired.delete()
    hold(by=user, warehouse=wh, product=product, quantity=3)  # available 7 < 8
    assert [r.product_id for r in stock_rows(below_minimum=True)] == [product.pk]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STOCK)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(client_logged_in, wh):
    products = ProductFactory.create_batch(50)
    StockBalance.objects.create(warehouse=wh, product=products[0], on_hand=1)
    MinimumStock.objects.create(product=products[0], warehouse=wh, quantity=5)
    one = _queries(client_logged_in)
    StockBalance.objects.bulk_create([StockBalance(warehouse=wh, product=p, on_hand=2) for p in products[1:]])
    MinimumStock.objects.bulk_create([MinimumStock(product=p, warehouse=wh, quantity=1) for p in products[1:]])
    fifty = _queries(client_logged_in)
    assert one == fifty
    assert len(client_logged_in.get(STOCK).context["rows"]) == 50


def test_pages_of_fifty(client_logged_in, wh):
    StockBalance.objects.bulk_create(
        [StockBalance(warehouse=wh, product=p, on_hand=1) for p in ProductFactory.create_batch(51)]
    )
    first = client_logged_in.get(STOCK)
    assert len(first.context["rows"]) == 50
    second = client_logged_in.get(STOCK, {"page": 2})
    assert len(second.context["rows"]) == 1


def test_below_minimum_includes_a_warehouse_without_a_balance_row(client_logged_in, user, wh):
    product = ProductFactory(sku="GULA-1", name="Gula")
    empty = WarehouseFactory(name="Gudang Bandung")
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    MinimumStock.objects.create(product=product, warehouse=wh, quantity=4)  # 10 on hand: fine
    MinimumStock.objects.create(product=product, warehouse=empty, quantity=2)  # no balance row: 0 < 2

    response = client_logged_in.get(STOCK, {"below_minimum": "on"})

    (row,) = response.context["rows"]
    assert (row.product, row.warehouse) == (product, empty)
    assert (row.on_hand, row.reserved, row.available, row.minimum, row.is_below_minimum) == (0, 0, 0, 2, True)
    assert "Gudang Bandung" in response.content.decode()
    assert not client_logged_in.get(STOCK, {"below_minimum": "on", "non_zero": "on"}).context["rows"]
    assert [r.warehouse for r in stock_rows()] == [wh]  # the plain list shows balances


def test_below_minimum_stays_in_the_clerks_warehouses(client):
    from tests.inventory.views.test_warehouse_scope import limited_role

    admin = UserFactory(roles=[ADMINISTRATOR])
    alpha, bravo = WarehouseFactory(name="Gudang Alpha"), WarehouseFactory(name="Gudang Bravo")
    kopi, gula = ProductFactory(sku="KOPI-1"), ProductFactory(sku="GULA-1")
    stock_in(by=admin, warehouse=bravo, product=kopi, quantity=1)
    for warehouse in (alpha, bravo):
        MinimumStock.objects.create(product=kopi, warehouse=warehouse, quantity=5)
        MinimumStock.objects.create(product=gula, warehouse=warehouse, quantity=5)  # no balance anywhere
    clerk = UserFactory(username="alpha-clerk")
    clerk.groups.add(limited_role("Clerk, Alpha", [alpha]))
    client.force_login(clerk)

    def rows(**params):
        response = client.get(STOCK, {"below_minimum": "on", **params})
        assert response.status_code == 200
        return [(r.product.sku, r.warehouse.name) for r in response.context["rows"]]

    assert rows() == [("GULA-1", "Gudang Alpha"), ("KOPI-1", "Gudang Alpha")]
    assert all(name == "Gudang Alpha" for _, name in rows(warehouse=bravo.pk))  # not one of the choices
    assert "Gudang Bravo" not in client.get(STOCK, {"below_minimum": "on"}).content.decode()
    client.force_login(admin)
    assert len(rows()) == 4


def test_below_minimum_query_count_does_not_grow_with_rows(client_logged_in, user, wh):
    products = ProductFactory.create_batch(30)
    hold(by=user, warehouse=wh, product=products[0], quantity=1)
    MinimumStock.objects.create(product=products[0], warehouse=wh, quantity=5)
    with CaptureQueriesContext(connection) as one:
        assert len(client_logged_in.get(STOCK, {"below_minimum": "on"}).context["rows"]) == 1
    MinimumStock.objects.bulk_create([MinimumStock(product=p, warehouse=wh, quantity=1) for p in products[1:]])
    with CaptureQueriesContext(connection) as thirty:
        assert len(client_logged_in.get(STOCK, {"below_minimum": "on"}).context["rows"]) == 30
    assert len(one) == len(thirty)
