"""The stock page and the product page name the deals that hold reserved stock, linking to
them, for users with the CRM; others see the number only. One query for all rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.catalogue import CLERK
from tests.crm.deal_helpers import deal_with_row
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db

STOCK = reverse("inventory:stock")


@pytest.fixture
def site(user):
    wh = WarehouseFactory(name="Gudang Jakarta")
    kopi = ProductFactory(sku="KOPI-1", name="Kopi Bubuk")
    stock_in(by=user, warehouse=wh, product=kopi, quantity=20)
    first, _row = deal_with_row(by=user, product=kopi, quantity=3, warehouse=wh, title="Pesanan Makmur")
    second, _row = deal_with_row(by=user, product=kopi, quantity=2, warehouse=wh, title="Pesanan Jaya")
    return {"wh": wh, "kopi": kopi, "first": first, "second": second}


def _deal_url(deal) -> str:
    return reverse("crm:deal_detail", args=[deal.pk])


def test_stock_page_links_the_reserving_deals(client_logged_in, site):
    response = client_logged_in.get(STOCK)
    row = response.context["rows"][0]
    assert row.reserved == 5
    assert [(e["deal"].title, e["quantity"]) for e in row.reserving_deals] == [
        ("Pesanan Makmur", 3),
        ("Pesanan Jaya", 2),
    ]
    html = response.content.decode()
    assert _deal_url(site["first"]) in html and _deal_url(site["second"]) in html
    assert "Pesanan Makmur" in html


def test_product_page_links_the_reserving_deals(client_logged_in, site):
    other = WarehouseFactory(name="Gudang Bandung")
    response = client_logged_in.get(reverse("inventory:product_detail", args=[site["kopi"].pk]))
    assert response.status_code == 200
    balances = {w.name: w for w in response.context["balances"]}
    assert [e["deal"].pk for e in balances["Gudang Jakarta"].reserving_deals] == [site["first"].pk, site["second"].pk]
    assert balances[other.name].reserving_deals == []
    html = response.content.decode()
    assert _deal_url(site["first"]) in html and _deal_url(site["second"]) in html


def test_expired_and_deal_less_reservations_name_no_deal(client_logged_in, user, site):
    site["second"].reservations.update(reserved_until=timezone.now() - timedelta(seconds=1))
    hold(by=user, warehouse=site["wh"], product=site["kopi"], quantity=1)
    row = client_logged_in.get(STOCK).context["rows"][0]
    assert row.reserved == 4
    assert [e["deal"].pk for e in row.reserving_deals] == [site["first"].pk]


def test_without_the_crm_only_the_number(client, site):
    """A clerk (no CRM) sees the reserved quantity but no deal, on both pages."""
    client.force_login(UserFactory(username="clerk", roles=[CLERK]))
    for url in (STOCK, reverse("inventory:product_detail", args=[site["kopi"].pk])):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Pesanan Makmur" not in html and _deal_url(site["first"]) not in html
    assert client.get(_deal_url(site["first"])).status_code == 403


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STOCK).status_code == 200
    return len(queries)


def test_one_query_for_the_deals_of_all_rows(client_logged_in, user, site):
    one = _queries(client_logged_in)
    for n in range(12):
        product = ProductFactory()
        stock_in(by=user, warehouse=site["wh"], product=product, quantity=5)
        deal_with_row(by=user, product=product, quantity=1, warehouse=site["wh"], title=f"Deal {n}")
    many = _queries(client_logged_in)
    assert many == one
    rows = client_logged_in.get(STOCK).context["rows"]
    assert len(rows) == 13 and all(row.reserving_deals for row in rows)
