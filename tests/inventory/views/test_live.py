"""The change versions of the self-updating pages (static/js/live.js): they change with what
the page shows, only with what its user may see, and cost the same few queries whatever the
number of documents, warehouses or rows."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.services.deals import RowInput, add_row
from inventory.models import DocumentType
from inventory.services.documents import cancel_document, process_document
from inventory.services.reservations import reserve_row
from tests.crm.deal_helpers import deal_with_row
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import hold, make_document, stock_in

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
