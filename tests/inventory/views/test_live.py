"""The change versions of the self-updating pages (static/js/live.js): they change with what
the page shows, only with what its user may see, and cost the same few queries whatever the
number of documents, warehouses or rows."""

import itertools
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.catalogue import VIEW_PURCHASE_PRICE
from accounts.roles import permissions_named
from crm.services.deals import RowInput, add_row
from inventory.models import CostingMethod, DeliveryEvent, DeliveryStatus, DocumentType, StockDocument
from inventory.services.catalog import ProductInput, update_product
from inventory.services.delivery import DeliveryUpdate, change_delivery_status
from inventory.services.documents import cancel_document, process_document
from inventory.services.recompute import queue_recompute, run_recompute
from inventory.services.reservations import reserve_row
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import hold, make_document, make_return, ship, stock_in

pytestmark = pytest.mark.django_db


def version(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    return response.json()["version"]


@pytest.fixture
def two_warehouses(user):
    alpha = WarehouseFactory(name="Gudang Alpha")
    bravo = WarehouseFactory(name="Gudang Bravo")
    product = ProductFactory(name="Kopi Bubuk")
    stock_in(by=user, warehouse=alpha, product=product, quantity=10)
    stock_in(by=user, warehouse=bravo, product=product, quantity=10)
    clerk = UserFactory(username="alpha-clerk")
    clerk.groups.add(limited_role("Clerk, Alpha", [alpha]))
    return alpha, bravo, product, clerk


def test_the_stock_version_changes_with_processing_cancelling_and_reservations(client, user, two_warehouses):
    alpha, _bravo, product, _clerk = two_warehouses
    client.force_login(user)
    url = reverse("inventory:stock_live")
    seen = [version(client, url)]
    assert version(client, url) == seen[0]  # nothing changed, same version

    receipt = process_document(
        make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(product, 5, 100)]), by=user
    )
    seen.append(version(client, url))
    cancel_document(receipt, by=user)
    seen.append(version(client, url))
    hold(by=user, warehouse=alpha, product=product, quantity=2, until=timezone.now() + timedelta(minutes=1))
    seen.append(version(client, url))
    # An expiry writes nothing: the number of reservations that count still changes.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=2)):
        seen.append(version(client, url))
    assert len(set(seen)) == len(seen), seen


def test_a_clerk_of_one_warehouse_sees_no_change_of_another(client, user, two_warehouses):
    alpha, bravo, product, clerk = two_warehouses
    client.force_login(clerk)
    url = reverse("inventory:stock_live")
    before = version(client, url)

    process_document(make_document(DocumentType.RECEIPT, by=user, warehouse=bravo, lines=[(product, 5, 100)]), by=user)
    hold(by=user, warehouse=bravo, product=product, quantity=1)
    assert version(client, url) == before

    # A transfer into their warehouse is theirs.
    process_document(
        make_document(DocumentType.TRANSFER, by=user, warehouse=bravo, destination=alpha, lines=[(product, 1)]), by=user
    )
    assert version(client, url) != before


def test_the_version_queries_do_not_grow_with_documents_and_warehouses(client, user):
    client.force_login(user)
    url = reverse("inventory:stock_live")
    product = ProductFactory()

    def queries() -> int:
        version(client, url)  # the session and the rights, read once per request like any page
        with CaptureQueriesContext(connection) as captured:
            version(client, url)
        return len(captured)

    stock_in(by=user, warehouse=WarehouseFactory(), product=product, quantity=1)
    few = queries()
    for _ in range(5):
        warehouse = WarehouseFactory()
        for _ in range(3):
            stock_in(by=user, warehouse=warehouse, product=product, quantity=1)
        hold(by=user, warehouse=warehouse, product=product, quantity=1)
    assert queries() == few


def test_product_and_document_versions(client, user, two_warehouses):
    alpha, bravo, product, clerk = two_warehouses
    draft = make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(product, 5, 100)])
    other = make_document(DocumentType.RECEIPT, by=user, warehouse=bravo, lines=[(product, 5, 100)])
    client.force_login(clerk)
    product_url = reverse("inventory:product_live", args=[product.pk])
    document_url = reverse("inventory:document_live", args=[draft.doc_type, draft.pk])
    product_before, document_before = version(client, product_url), version(client, document_url)

    process_document(draft, by=user)
    assert version(client, product_url) != product_before
    assert version(client, document_url) != document_before

    # What the clerk may not see is a 404, like its page.
    assert client.get(reverse("inventory:document_live", args=[other.doc_type, other.pk])).status_code == 404
    assert client.get(reverse("inventory:product_live", args=[product.pk + 1000])).status_code == 404


def test_the_deal_version_changes_with_its_rows_reservations_and_stock(client, user):
    warehouse = WarehouseFactory(name="Gudang Utama", is_default=True)
    product, other = ProductFactory(), ProductFactory()
    stock_in(by=user, warehouse=warehouse, product=product, quantity=10)
    deal, row = deal_with_row(by=user, product=product, quantity=2)
    client.force_login(user)
    url = reverse("crm:deal_live", args=[deal.pk])
    seen = [version(client, url)]

    reserve_row(row, by=user, quantity=Decimal(2))
    seen.append(version(client, url))
    stock_in(by=user, warehouse=warehouse, product=product, quantity=1)  # the row's availability
    seen.append(version(client, url))
    add_row(deal, by=user, row=RowInput(product=other, quantity=Decimal(1)))
    seen.append(version(client, url))
    assert len(set(seen)) == len(seen), seen


def test_pages_name_their_version_url_and_mark_their_rows(client, user, two_warehouses):
    alpha, _bravo, product, _clerk = two_warehouses
    client.force_login(user)
    stock = client.get(reverse("inventory:stock")).content.decode()
    assert f'data-live="{reverse("inventory:stock_live")}"' in stock
    assert f'data-live-key="{alpha.pk}-{product.pk}"' in stock
    detail = client.get(reverse("inventory:product_detail", args=[product.pk])).content.decode()
    assert f'data-live="{reverse("inventory:product_live", args=[product.pk])}"' in detail
    assert f'data-live-key="balance-{alpha.pk}"' in detail
    home = client.get(reverse("home")).content.decode()
    assert 'id="dashboard-figures" data-live-region' in home


def test_a_delivery_status_change_reaches_the_document_and_the_deal(client, user):
    warehouse = WarehouseFactory(name="Gudang Utama", is_default=True)
    product = ProductFactory()
    stock_in(by=user, warehouse=warehouse, product=product, quantity=10)
    deal, _row = deal_with_row(by=user, product=product, quantity=2)
    client_company = CompanyFactory(is_client=True)
    order = process_document(
        make_document(
            DocumentType.SALES_ORDER, by=user, warehouse=warehouse, client=client_company, lines=[(product, 2, 50)]
        ),
        by=user,
    )
    StockDocument.objects.filter(pk=order.pk).update(deal=deal)
    client.force_login(user)
    document_url = reverse("inventory:document_live", args=[order.doc_type, order.pk])
    deal_url = reverse("crm:deal_live", args=[deal.pk])
    seen = [(version(client, document_url), version(client, deal_url))]

    change_delivery_status(order, by=user, update=DeliveryUpdate(status=DeliveryStatus.PICKED))
    seen.append((version(client, document_url), version(client, deal_url)))
    shipped = DeliveryUpdate(status=DeliveryStatus.SHIPPED, carrier="JNE", tracking_number="JN-0001")
    change_delivery_status(order, by=user, update=shipped)
    seen.append((version(client, document_url), version(client, deal_url)))
    assert len({document for document, _deal in seen}) == 3
    assert len({deal for _document, deal in seen}) == 3

    # The delivery part, its status and its history are in the page's live region, keyed.
    page = client.get(reverse("inventory:document_detail", args=[order.doc_type, order.pk])).content.decode()
    region = page[page.index('id="document-live" data-live-region') :]
    assert 'id="delivery"' in region and 'data-live-key="delivery-status"' in region
    for event in DeliveryEvent.objects.filter(document=order):
        assert f'data-live-key="delivery-step-{event.pk}"' in region


def test_a_return_of_an_order_changes_the_orders_version(client, user):
    warehouse = WarehouseFactory(is_default=True)
    product = ProductFactory()
    stock_in(by=user, warehouse=warehouse, product=product, quantity=10)
    order = process_document(
        make_document(
            DocumentType.SALES_ORDER,
            by=user,
            warehouse=warehouse,
            client=CompanyFactory(is_client=True),
            lines=[(product, 2, 50)],
        ),
        by=user,
    )
    ship(order, by=user)
    client.force_login(user)
    url = reverse("inventory:document_live", args=[order.doc_type, order.pk])
    before = version(client, url)
    make_return(order, by=user, lines=[(product, 1, 50)])  # a draft: listed on the order's page
    assert version(client, url) != before


def edit(product, *, by, **changes):
    """Save `product` through the product service as it is, but for `changes`."""
    product.refresh_from_db()
    kept = {
        "sku": product.sku,
        "name": product.name,
        "unit": product.unit,
        "category": product.category,
        "selling_price": product.selling_price,
        "vat_rate": product.vat_rate,
        "barcodes": [barcode.code for barcode in product.barcodes.all()],
    }
    return update_product(product, by=by, data=ProductInput(**{**kept, **changes}))


def minimum_of(product, warehouse, quantity, *, by):
    return edit(product, by=by, minimums={warehouse: Decimal(quantity)})


def test_minimum_levels_change_the_version_of_their_warehouse_only(client, user, two_warehouses):
    alpha, bravo, product, clerk = two_warehouses
    client.force_login(clerk)
    url = reverse("inventory:stock_live")
    before = version(client, url)

    minimum_of(product, bravo, 3, by=user)
    minimum_of(product, bravo, 5, by=user)
    assert version(client, url) == before  # Gudang Bravo is not theirs

    minimum_of(product, alpha, 4, by=user)
    after = version(client, url)
    assert after != before
    minimum_of(product, alpha, 0, by=user)  # removed
    assert version(client, url) != after


def test_product_edits_change_every_version_showing_products(client, user, two_warehouses):
    alpha, _bravo, product, clerk = two_warehouses
    draft = make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(product, 5, 100)])
    client.force_login(clerk)
    urls = [
        reverse("inventory:stock_live"),
        reverse("inventory:product_live", args=[product.pk]),
        reverse("inventory:document_live", args=[draft.doc_type, draft.pk]),
    ]
    seen = [[version(client, url) for url in urls]]

    def changed(**changes):
        edit(product, by=user, **changes)
        seen.append([version(client, url) for url in urls])

    changed(name="Kopi Bubuk Robusta")
    changed(selling_price=Decimal("25000"))
    changed(vat_rate=Decimal("11"))
    for before, after in itertools.pairwise(seen):
        assert all(b != a for b, a in zip(before, after, strict=True)), seen

    # A barcode is a row of its own: it changes the page where it is shown, the product's.
    changed(barcodes=["8991234567890"])
    changed(barcodes=[])
    assert seen[-3][1] != seen[-2][1] != seen[-1][1]
    assert seen[-3][0] == seen[-1][0]  # the stock page does not show barcodes


def test_a_receipt_elsewhere_changes_the_purchase_price_only_for_who_sees_it(client, user, two_warehouses):
    """A receipt's prices become its products' purchase prices; the product's page shows that
    price with "View purchase price", whichever warehouse the receipt was in."""
    alpha, bravo, product, clerk = two_warehouses
    url = reverse("inventory:product_live", args=[product.pk])
    client.force_login(clerk)  # a clerk of Gudang Alpha: they see purchase prices
    sees_prices = version(client, url)
    blind = UserFactory(username="alpha-counter")
    role = limited_role("Counter, Alpha", [alpha])
    role.permissions.remove(*permissions_named([VIEW_PURCHASE_PRICE]))
    blind.groups.add(role)
    client.force_login(blind)
    before = version(client, url)
    receipt = make_document(DocumentType.RECEIPT, by=user, warehouse=bravo, lines=[(product, 1, 123)])
    process_document(receipt, by=user)
    assert version(client, url) == before
    client.force_login(clerk)
    assert version(client, url) != sees_prices


def test_a_cost_recompute_changes_the_versions_when_it_ends(client, user, two_warehouses):
    alpha, _bravo, product, clerk = two_warehouses
    receipt = process_document(
        make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(product, 5, 100)]), by=user
    )
    client.force_login(clerk)
    urls = [reverse("inventory:stock_live"), reverse("inventory:document_live", args=[receipt.doc_type, receipt.pk])]
    recompute = queue_recompute(CostingMethod.AVERAGE, by=user)
    before = [version(client, url) for url in urls]
    run_recompute(recompute.pk)
    after = [version(client, url) for url in urls]
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_the_document_and_product_versions_cost_a_fixed_number_of_queries(client, user, two_warehouses):
    alpha, _bravo, product, clerk = two_warehouses
    draft = make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(product, 5, 100)])
    client.force_login(clerk)
    urls = [
        reverse("inventory:product_live", args=[product.pk]),
        reverse("inventory:document_live", args=[draft.doc_type, draft.pk]),
    ]

    def queries(url) -> int:
        version(client, url)
        with CaptureQueriesContext(connection) as captured:
            version(client, url)
        return len(captured)

    few = [queries(url) for url in urls]
    for quantity in range(1, 6):
        minimum_of(product, alpha, quantity, by=user)
        stock_in(by=user, warehouse=alpha, product=product, quantity=1)
    assert [queries(url) for url in urls] == few


def test_the_dashboard_fetched_again_brings_its_sales_part(client, user):
    warehouse = WarehouseFactory()
    product = ProductFactory()
    stock_in(by=user, warehouse=warehouse, product=product, quantity=10)
    client.force_login(user)
    home = reverse("home")
    first = client.get(home)
    page = first.content.decode()
    assert 'id="dashboard-sales" class="dashboard-loading mb-4" data-live-region' in page  # loaded by the script
    assert 'data-live-key="sales"' not in page
    assert "X-Live" in first["Vary"]

    stock_url = reverse("inventory:stock_live")
    before = version(client, stock_url)
    process_document(
        make_document(
            DocumentType.SALES_ORDER,
            by=user,
            warehouse=warehouse,
            client=CompanyFactory(is_client=True),
            lines=[(product, 2, 12500)],
        ),
        by=user,
    )
    assert version(client, stock_url) != before  # the dashboard's version
    again = client.get(home, headers={"X-Live": "1"}).content.decode()
    sales = again[again.index('<div id="dashboard-sales" data-live-region>') :]
    assert 'data-live-key="sales"' in sales and 'data-live-key="profit"' in sales
    assert "25,000" in sales[: sales.index('data-live-key="profit"')]
    assert 'id="chart-weeks-data"' in sales
