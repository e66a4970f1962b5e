"""A clerk limited to warehouse A never sees or touches warehouse B: not by URL, list, count,
choice, product page, stock page, nor by B's id typed into a form."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, CLERK, DEFAULT_ROLES, right
from accounts.roles import grant_on_warehouses, permissions_named
from inventory.models import DocumentStatus, DocumentType, StockDocument, StockMove
from inventory.services.documents import cancel_document, process_document
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db


def limited_role(name: str, warehouses, template: str = CLERK) -> Group:
    """The rights of the default role `template` (the clerk's), the warehouse ones granted on
    `warehouses` only."""
    role = Group.objects.create(name=name)
    rights = DEFAULT_ROLES[template]
    role.permissions.set(permissions_named(r for r in rights if not right(r).per_warehouse))
    grant_on_warehouses(role, [r for r in rights if right(r).per_warehouse], warehouses)
    return role


@pytest.fixture
def site():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    a = WarehouseFactory(name="Gudang Alpha", code="ALPHA")
    b = WarehouseFactory(name="Gudang Bravo", code="BRAVO")
    product = ProductFactory(name="Kopi Bubuk")
    stock_in(by=admin, warehouse=a, product=product, quantity=10)
    stock_in(by=admin, warehouse=b, product=product, quantity=70)
    clerk = UserFactory(username="alpha-clerk")
    clerk.groups.add(limited_role("Clerk, Alpha", [a]))
    docs_b = {
        "draft": make_document(DocumentType.WRITE_OFF, by=admin, warehouse=b, lines=[(product, 1)]),
        "processed": process_document(
            make_document(DocumentType.WRITE_OFF, by=admin, warehouse=b, lines=[(product, 1)]), by=admin
        ),
        "transfer": make_document(DocumentType.TRANSFER, by=admin, warehouse=a, destination=b, lines=[(product, 1)]),
    }
    doc_a = make_document(DocumentType.WRITE_OFF, by=admin, warehouse=a, lines=[(product, 1)])
    return {"admin": admin, "a": a, "b": b, "product": product, "clerk": clerk, "b_docs": docs_b, "doc_a": doc_a}


@pytest.fixture
def clerk_client(client, site):
    client.force_login(site["clerk"])
    return client


def snapshot():
    return (
        sorted(StockDocument.objects.values_list("pk", "status", "deleted_at", "warehouse_id")),
        StockMove.objects.count(),
    )


@pytest.mark.parametrize("which", ["draft", "processed", "transfer"])
def test_bs_documents_are_404_on_every_url(clerk_client, site, which):
    document = site["b_docs"][which]
    args = [document.doc_type, document.pk]
    before = snapshot()
    assert clerk_client.get(reverse("inventory:document_detail", args=args)).status_code == 404
    assert clerk_client.get(reverse("inventory:document_update", args=args)).status_code == 404
    assert clerk_client.post(reverse("inventory:document_update", args=args), {}).status_code == 404
    for action in ("process", "cancel", "delete"):
        assert clerk_client.post(reverse(f"inventory:document_{action}", args=args)).status_code == 404, action
    assert snapshot() == before


def test_the_clerks_own_document_opens(clerk_client, site):
    document = site["doc_a"]
    response = clerk_client.get(reverse("inventory:document_detail", args=[document.doc_type, document.pk]))
    assert response.status_code == 200
    assert response.context["may"] == {"edit": True, "process": True, "cancel": False, "delete": False}


def test_lists_and_counts_hold_only_a(clerk_client, site):
    for doc_type in ("write_off", "transfer"):
        response = clerk_client.get(reverse("inventory:document_list", args=[doc_type]))
        assert response.status_code == 200
        numbers = {d.number for d in response.context["documents"]}
        assert response.context["page_obj"].paginator.count == len(numbers)
        assert all(d.warehouse == site["a"] and d.destination is None for d in response.context["documents"])
        assert "Gudang Bravo" not in response.content.decode()
        choices = list(response.context["filter"].form.fields["warehouse"].queryset)
        assert choices == [site["a"]]
    # B's id as a filter shows nothing of B.
    response = clerk_client.get(reverse("inventory:document_list", args=["write_off"]), {"warehouse": site["b"].pk})
    assert all(d.warehouse == site["a"] for d in response.context["documents"])


def test_stock_product_and_warehouse_pages_hold_only_a(clerk_client, site):
    stock = clerk_client.get(reverse("inventory:stock"))
    assert {row.warehouse for row in stock.context["rows"]} == {site["a"]}
    assert list(stock.context["form"].fields["warehouse"].queryset) == [site["a"]]
    stock_b = clerk_client.get(reverse("inventory:stock"), {"warehouse": site["b"].pk})
    assert {row.warehouse for row in stock_b.context["rows"]} <= {site["a"]}

    page = clerk_client.get(reverse("inventory:product_detail", args=[site["product"].pk]))
    assert [w.pk for w in page.context["balances"]] == [site["a"].pk]
    assert {m.warehouse_id for m in page.context["moves"]} == {site["a"].pk}
    assert "Gudang Bravo" not in page.content.decode()

    products = clerk_client.get(reverse("inventory:product_list"))
    assert [p.on_hand for p in products.context["products"]] == [Decimal(10)]

    warehouses = clerk_client.get(reverse("inventory:warehouse_list"))
    assert warehouses.context["warehouses"] == [site["a"]]
    assert clerk_client.get(reverse("inventory:warehouse_update", args=[site["b"].pk])).status_code == 404
    assert clerk_client.post(reverse("inventory:warehouse_delete", args=[site["b"].pk])).status_code == 404
    assert clerk_client.post(reverse("inventory:warehouse_deactivate", args=[site["b"].pk])).status_code == 404
    site["b"].refresh_from_db()
    assert site["b"].is_active


def test_sidebar_and_document_form_offer_only_a(clerk_client, site):
    response = clerk_client.get(reverse("inventory:document_create", args=["transfer"]))
    header = response.context["header_form"]
    assert list(header.fields["warehouse"].queryset) == [site["a"]]
    assert list(header.fields["destination"].queryset) == [site["a"]]
    assert "Gudang Bravo" not in response.content.decode()
    assert "crm" not in response.content.decode().split("<main")[0].lower()


def test_bs_id_posted_in_a_document_form_is_refused(clerk_client, site):
    before = snapshot()
    data = {
        "warehouse": site["b"].pk,
        "date": "2026-11-28",
        "currency": "IDR",
        "responsible": site["clerk"].pk,
        "reason": "rusak",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": site["product"].sku,
        "lines-0-quantity": "1",
    }
    response = clerk_client.post(reverse("inventory:document_create", args=["write_off"]), data)
    assert response.status_code == 200
    assert response.context["header_form"].errors["warehouse"]
    assert snapshot() == before
    # Moving the clerk's own draft to B is refused the same way.
    doc = site["doc_a"]
    response = clerk_client.post(reverse("inventory:document_update", args=[doc.doc_type, doc.pk]), data)
    assert response.status_code == 200 and response.context["header_form"].errors["warehouse"]
    assert snapshot() == before


def test_product_form_minimums_only_for_a(clerk_client, site):
    response = clerk_client.get(reverse("inventory:product_create"))
    assert [w.pk for w in response.context["form"].warehouses] == [site["a"].pk]


def test_a_transfer_needs_rights_on_both_warehouses(site):
    transfer = site["b_docs"]["transfer"]
    with pytest.raises(PermissionDenied):
        process_document(transfer, by=site["clerk"])
    transfer.refresh_from_db()
    assert transfer.status == DocumentStatus.DRAFT
    assert (on_hand(site["a"], site["product"]), on_hand(site["b"], site["product"])) == (10, 69)


def test_services_refuse_b_and_change_nothing(site):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        process_document(site["b_docs"]["draft"], by=site["clerk"])
    with pytest.raises(PermissionDenied):
        cancel_document(site["b_docs"]["processed"], by=site["clerk"])
    with pytest.raises(PermissionDenied):
        make_document(DocumentType.RECEIPT, by=site["clerk"], warehouse=site["b"], lines=[(site["product"], 1)])
    assert snapshot() == before


@pytest.mark.parametrize("page", ["document_list", "stock"])
def test_limited_user_pages_take_the_same_queries_for_1_and_50_rows(client, page):
    """A user limited to 2 of 5 warehouses: the query count does not grow with the rows."""
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    warehouses = [WarehouseFactory() for _ in range(5)]
    user = UserFactory(username="two-warehouses")
    user.groups.add(limited_role("Clerk, two", warehouses[:2]))
    supplier = CompanyFactory(is_supplier=True)
    client.force_login(user)
    url = reverse("inventory:stock")
    if page == "document_list":
        url = reverse("inventory:document_list", args=["receipt"])

    def add_rows(count):
        for i in range(count):
            product = ProductFactory()
            make_document(
                DocumentType.RECEIPT,
                by=admin,
                warehouse=warehouses[i % 2],
                supplier=supplier,
                lines=[(product, 1, 5)],
            )
            stock_in(by=admin, warehouse=warehouses[i % 2], product=product, quantity=3)
            stock_in(by=admin, warehouse=warehouses[4], product=product, quantity=3)  # not visible

    def count_queries():
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        rows = response.context["documents" if page == "document_list" else "rows"]
        return len(queries), len(rows)

    add_rows(1)
    few, rows_few = count_queries()
    add_rows(49)
    many, rows_many = count_queries()
    assert (rows_few, rows_many) == (1, 50)
    assert few == many
