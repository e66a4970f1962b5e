"""The low-stock report: below-minimum pairs with or without a balance row, what to order,
the user's warehouses only, the sidebar badge, a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import STAFF
from inventory.models import MinimumStock
from tests.factories import CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db
URL = reverse("reports:low_stock")


@pytest.fixture
def world(user):
    jakarta, surabaya = WarehouseFactory(name="Jakarta"), WarehouseFactory(name="Surabaya")
    drinks = CategoryFactory(name="Drinks")
    kopi = ProductFactory(name="Kopi", sku="K-1", category=drinks)
    teh = ProductFactory(name="Teh", sku="T-1")
    gula = ProductFactory(name="Gula", sku="G-1")
    stock_in(by=user, warehouse=jakarta, product=kopi, quantity=10)
    hold(by=user, warehouse=jakarta, product=kopi, quantity=4)  # available 6
    MinimumStock.objects.create(product=kopi, warehouse=jakarta, quantity=Decimal(8))  # 2 to order
    MinimumStock.objects.create(product=teh, warehouse=surabaya, quantity=Decimal(5))  # no balance row: 5
    stock_in(by=user, warehouse=jakarta, product=gula, quantity=20)
    MinimumStock.objects.create(product=gula, warehouse=jakarta, quantity=Decimal(20))  # not below
    return {"jakarta": jakarta, "surabaya": surabaya, "kopi": kopi, "teh": teh, "drinks": drinks}


def figures(response):
    return [tuple(row[i]["value"] for i in (0, 3, 4, 5, 6, 7, 8)) for row in response.context["rows"]]


def test_below_minimum_with_and_without_a_balance_row(client_logged_in, world):
    response = client_logged_in.get(URL)
    assert response.status_code == 200
    # Sorted by what to order, most first.
    assert figures(response) == [
        ("Teh", "Surabaya", Decimal(0), Decimal(0), Decimal(0), Decimal(5), Decimal(5)),
        ("Kopi", "Jakarta", Decimal(10), Decimal(4), Decimal(6), Decimal(8), Decimal(2)),
    ]


def test_filters_and_sorting(client_logged_in, world):
    assert [r[0] for r in figures(client_logged_in.get(URL, {"warehouse": world["jakarta"].pk}))] == ["Kopi"]
    assert [r[0] for r in figures(client_logged_in.get(URL, {"category": world["drinks"].pk}))] == ["Kopi"]
    assert [r[0] for r in figures(client_logged_in.get(URL, {"q": "teh"}))] == ["Teh"]
    assert [r[0] for r in figures(client_logged_in.get(URL, {"sort": "product_name"}))] == ["Kopi", "Teh"]
    assert [r[0] for r in figures(client_logged_in.get(URL, {"sort": "nonsense"}))] == ["Teh", "Kopi"]


def test_only_the_users_warehouses(client, world):
    member = UserFactory(username="jakarta-only")
    role = limited_role("Jakarta staff", [world["jakarta"]], template=STAFF)
    member.groups.add(role)
    client.force_login(member)
    response = client.get(URL)
    assert [r[0] for r in figures(response)] == ["Kopi"]
    # Another warehouse's id typed into the filter is refused as a choice, not shown.
    response = client.get(URL, {"warehouse": world["surabaya"].pk})
    assert "Surabaya" not in response.content.decode()
    assert [r[0] for r in figures(response)] == ["Kopi"]


def test_the_sidebar_badge_counts_them(client_logged_in, world):
    page = client_logged_in.get(reverse("inventory:stock")).content.decode()
    assert 'id="low-stock-badge"' in page
    assert 'id="low-stock-badge" title="Below minimum">2</span>' in page


def test_queries_do_not_grow_with_rows(client_logged_in, world):
    with CaptureQueriesContext(connection) as few:
        client_logged_in.get(URL)
    for n in range(5):
        MinimumStock.objects.create(product=ProductFactory(sku=f"X-{n}"), warehouse=world["jakarta"], quantity=1)
    with CaptureQueriesContext(connection) as more:
        response = client_logged_in.get(URL)
    assert len(response.context["rows"]) == 7
    assert len(more) == len(few)
