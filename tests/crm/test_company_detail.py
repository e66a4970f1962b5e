"""The company page: details, contacts, deals with amounts, sales orders in the warehouses the
user may see, active reservations; constant queries; no CRM, no page."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.catalogue import CLERK, DEFAULT_ROLES, STAFF, right
from accounts.roles import grant_on_warehouses, permissions_named
from crm.models import Contact
from inventory.models import DocumentType
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import hold, make_document, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(user):
    alpha = WarehouseFactory(name="Gudang Alpha")
    bravo = WarehouseFactory(name="Gudang Bravo")
    kopi = ProductFactory(name="Kopi Bubuk", sku="KOPI-1", selling_price=10)
    for warehouse in (alpha, bravo):
        stock_in(by=user, warehouse=warehouse, product=kopi, quantity=100)
    company = CompanyFactory(name="Toko Makmur", tax_id="01.234.567", is_supplier=True, is_client=True)
    other = CompanyFactory(name="Toko Lain")
    Contact.objects.create(first_name="Ani", last_name="Wijaya", company=company, position="Purchasing")
    Contact.objects.create(first_name="Stranger", company=other)
    deal, row = deal_with_row(by=user, product=kopi, quantity=4, warehouse=alpha, title="Order kopi", company=company)
    deal_with_row(by=user, product=kopi, quantity=2, warehouse=bravo, title="Order lain", company=other)
    so_alpha = make_document(DocumentType.SALES_ORDER, by=user, warehouse=alpha, lines=[(kopi, 1, 5)], client=company)
    so_bravo = make_document(DocumentType.SALES_ORDER, by=user, warehouse=bravo, lines=[(kopi, 1, 5)], client=company)
    make_document(DocumentType.SALES_ORDER, by=user, warehouse=alpha, lines=[(kopi, 1, 5)], client=other)
    return {
        "alpha": alpha,
        "bravo": bravo,
        "kopi": kopi,
        "company": company,
        "deal": deal,
        "so_alpha": so_alpha,
        "so_bravo": so_bravo,
        "url": reverse("crm:company_detail", args=[company.pk]),
    }


def test_page_shows_details_contacts_deals_orders_and_reservations(client_logged_in, site):
    response = client_logged_in.get(site["url"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Toko Makmur" in html and "01.234.567" in html and "Supplier" in html
    assert [str(c) for c in response.context["contacts"]] == ["Ani Wijaya"]
    assert "Stranger" not in html
    deals = response.context["deals"]
    assert [d.title for d in deals] == ["Order kopi"]
    assert deals[0].amount == 40  # 4 × 10
    assert "Order lain" not in html
    assert {d.pk for d in response.context["sales_orders"]} == {site["so_alpha"].pk, site["so_bravo"].pk}
    assert reverse("inventory:document_detail", args=["sales_order", site["so_alpha"].pk]) in html
    reservations = response.context["reservations"]
    assert [(r.deal_id, r.quantity) for r in reservations] == [(site["deal"].pk, 4)]
    assert reverse("crm:company_update", args=[site["company"].pk]) in html


def test_company_list_links_to_the_page(client_logged_in, site):
    html = client_logged_in.get(reverse("crm:company_list")).content.decode()
    assert site["url"] in html


def test_expired_and_deal_less_reservations_are_not_listed(client_logged_in, user, site):
    expired_deal, _row = deal_with_row(
        by=user, product=site["kopi"], quantity=1, warehouse=site["bravo"], title="Old", company=site["company"]
    )
    expired_deal.reservations.update(reserved_until=timezone.now() - timedelta(minutes=1))
    hold(by=user, warehouse=site["alpha"], product=site["kopi"], quantity=1)  # no deal at all
    reservations = client_logged_in.get(site["url"]).context["reservations"]
    assert [r.deal_id for r in reservations] == [site["deal"].pk]


def test_sales_orders_and_reservations_only_in_visible_warehouses(client, site):
    """A staff member whose warehouse rights hold on Bravo only sees Bravo's sales order, and
    no reservation of Alpha."""
    role = Group.objects.create(name="Staff, Bravo")
    rights = DEFAULT_ROLES[STAFF]
    role.permissions.set(permissions_named(r for r in rights if not right(r).per_warehouse))
    grant_on_warehouses(role, [r for r in rights if right(r).per_warehouse], [site["bravo"]])
    member = UserFactory(username="bravo-staff")
    member.groups.add(role)
    client.force_login(member)
    response = client.get(site["url"])
    assert response.status_code == 200
    assert [d.pk for d in response.context["sales_orders"]] == [site["so_bravo"].pk]
    assert response.context["reservations"] == []
    html = response.content.decode()
    assert site["so_alpha"].number not in html and "Gudang Alpha" not in html


def test_queries_do_not_grow_with_the_lists(client_logged_in, user, site):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_logged_in.get(site["url"]).status_code == 200
        return len(queries)

    before = count()
    company = site["company"]
    for n in range(5):
        Contact.objects.create(first_name=f"Extra {n}", company=company)
        deal_with_row(
            by=user, product=site["kopi"], quantity=1, warehouse=site["alpha"], title=f"D{n}", company=company
        )
        make_document(
            DocumentType.SALES_ORDER, by=user, warehouse=site["bravo"], lines=[(site["kopi"], 1)], client=company
        )
    assert count() == before
    assert len(client_logged_in.get(site["url"]).context["reservations"]) == 6


def test_unknown_company_is_404_and_clerk_gets_403(client, client_logged_in, site):
    assert client_logged_in.get(reverse("crm:company_detail", args=[999999])).status_code == 404
    client.force_login(UserFactory(username="clerk", roles=[CLERK]))
    assert client.get(site["url"]).status_code == 403
