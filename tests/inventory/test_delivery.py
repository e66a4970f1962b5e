"""The delivery status of processed sales orders and transfers (`inventory.services.delivery`):
the state machine, its rights, its history, and the pages that show and change it."""

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from inventory.errors import DocumentStateError
from inventory.models import DeliveryEvent, DeliveryStatus, DocumentStatus, DocumentType, StockDocument
from inventory.services.delivery import DeliveryUpdate, change_delivery_status
from inventory.services.documents import cancel_document, process_document
from tests.api.helpers import token_client
from tests.concurrency import run_together
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, ship, stock_in

pytestmark = pytest.mark.django_db

S = DeliveryStatus


@pytest.fixture
def site():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    clerk = UserFactory(username="clerk", roles=[CLERK])
    warehouse, other = WarehouseFactory(name="Gudang Utama"), WarehouseFactory(name="Gudang Dua")
    product = ProductFactory(name="Kopi Bubuk")
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=50)
    stock_in(by=admin, warehouse=other, product=product, quantity=50)
    client = CompanyFactory(name="PT Pelanggan", is_client=True)
    return {
        "admin": admin,
        "clerk": clerk,
        "warehouse": warehouse,
        "other": other,
        "product": product,
        "client": client,
    }


def sales_order(site, *, warehouse=None, quantity=3, processed=True):
    order = make_document(
        DocumentType.SALES_ORDER,
        by=site["admin"],
        warehouse=warehouse or site["warehouse"],
        client=site["client"],
        lines=[(site["product"], quantity, 20)],
    )
    return process_document(order, by=site["admin"]) if processed else order


def move(document, user, status, **details):
    return change_delivery_status(document, by=user, update=DeliveryUpdate(status=status, **details))


def history(document):
    return list(DeliveryEvent.objects.filter(document=document).order_by("id").values_list("from_status", "to_status"))


# --- the state machine --------------------------------------------------------------------------


def test_processing_a_sales_order_or_transfer_makes_it_to_pick_and_other_types_have_no_status(site):
    order = sales_order(site)
    transfer = process_document(
        make_document(
            DocumentType.TRANSFER,
            by=site["admin"],
            warehouse=site["warehouse"],
            destination=site["other"],
            lines=[(site["product"], 1)],
        ),
        by=site["admin"],
    )
    receipt = StockDocument.objects.filter(doc_type=DocumentType.ADJUSTMENT).first()
    assert StockDocument.objects.get(pk=order.pk).delivery_status == S.TO_PICK
    assert StockDocument.objects.get(pk=transfer.pk).delivery_status == S.TO_PICK
    assert receipt.delivery_status == ""
    assert sales_order(site, processed=False).delivery_status == ""


def test_a_clerk_moves_an_order_through_picked_shipped_delivered_and_each_step_is_recorded(site):
    order, clerk = sales_order(site), site["clerk"]
    move(order, clerk, S.PICKED)
    move(order, clerk, S.TO_PICK, note="wrong shelf")
    move(order, clerk, S.PICKED)
    move(order, clerk, S.SHIPPED, carrier="JNE", tracking_number="JN123456")
    move(order, clerk, S.DELIVERED, received_by="Ibu Sari")
    order.refresh_from_db()
    assert order.delivery_status == S.DELIVERED
    assert (order.carrier, order.tracking_number, order.received_by) == ("JNE", "JN123456", "Ibu Sari")
    assert order.shipped_at is not None and order.delivered_at >= order.shipped_at
    assert history(order) == [
        ("to_pick", "picked"),
        ("picked", "to_pick"),
        ("to_pick", "picked"),
        ("picked", "shipped"),
        ("shipped", "delivered"),
    ]
    events = list(DeliveryEvent.objects.filter(document=order).order_by("id"))
    assert {event.by for event in events} == {clerk}
    assert events[1].details == "wrong shelf"
    assert events[3].details == "JNE · JN123456"
    assert events[4].details == "Ibu Sari"


@pytest.mark.parametrize(
    ("path", "wanted", "says"),
    [
        ([], S.SHIPPED, "it can become “Picked”, not “Shipped”"),
        ([], S.DELIVERED, "not “Delivered”"),
        ([], S.TO_PICK, "is already “To pick”"),
        ([S.PICKED], S.DELIVERED, "not “Delivered”"),
        ([S.PICKED, S.SHIPPED], S.PICKED, "it can become “Delivered”, not “Picked”"),
        ([S.PICKED, S.SHIPPED], S.TO_PICK, "not “To pick”"),
        ([S.PICKED, S.SHIPPED, S.DELIVERED], S.SHIPPED, "does not change any more"),
        ([S.PICKED, S.SHIPPED], S.RETURNED, "Goods come back with a return"),
    ],
)
def test_a_step_skipped_or_backwards_is_refused_and_changes_nothing(site, path, wanted, says):
    order = sales_order(site)
    for status in path:
        move(order, site["clerk"], status, carrier="JNE")
    before = history(order)
    with pytest.raises(DocumentStateError, match=says):
        move(order, site["clerk"], wanted, carrier="JNE")
    assert history(order) == before
    assert StockDocument.objects.get(pk=order.pk).delivery_status == (path[-1] if path else S.TO_PICK)


def test_drafts_cancelled_documents_and_other_types_have_no_delivery_to_change(site):
    draft = sales_order(site, processed=False)
    with pytest.raises(DocumentStateError, match="is not processed"):
        move(draft, site["clerk"], S.PICKED)
    cancelled = cancel_document(sales_order(site), by=site["admin"])
    with pytest.raises(DocumentStateError, match="is not processed"):
        move(cancelled, site["clerk"], S.PICKED)
    adjustment = StockDocument.objects.filter(doc_type=DocumentType.ADJUSTMENT).first()
    with pytest.raises(DocumentStateError, match="only sales orders and transfers"):
        move(adjustment, site["clerk"], S.PICKED)
    assert not DeliveryEvent.objects.exists()


def test_shipping_needs_a_carrier_and_details_must_fit(site):
    order = sales_order(site)
    move(order, site["clerk"], S.PICKED)
    with pytest.raises(ValidationError) as refused:
        move(order, site["clerk"], S.SHIPPED, carrier="  ", tracking_number="X1")
    assert "carrier" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        move(order, site["clerk"], S.SHIPPED, carrier="J" * 5000, tracking_number="T" * 5000, note="n" * 5000)
    assert set(refused.value.message_dict) == {"carrier", "tracking_number", "note"}
    with pytest.raises(ValidationError) as refused:
        move(order, site["clerk"], S.SHIPPED, carrier="JNE\x00", tracking_number="A\x00B", note="x\x00")
    assert set(refused.value.message_dict) == {"carrier", "tracking_number", "note"}
    with pytest.raises(ValidationError):
        move(order, site["clerk"], "teleported")
    fresh = StockDocument.objects.get(pk=order.pk)
    assert (fresh.delivery_status, fresh.carrier, fresh.tracking_number) == (S.PICKED, "", "")
    assert history(order) == [("to_pick", "picked")]


def test_the_right_is_needed_on_the_documents_warehouses(site):
    order, elsewhere = sales_order(site), sales_order(site, warehouse=site["other"])
    staff = UserFactory(username="staff", roles=[STAFF])
    with pytest.raises(PermissionDenied):
        move(order, staff, S.PICKED)
    chosen = UserFactory(username="chosen")
    chosen.groups.add(limited_role("Clerk, Utama", [site["warehouse"]]))
    move(order, chosen, S.PICKED)
    with pytest.raises(PermissionDenied):
        move(elsewhere, chosen, S.PICKED)
    assert history(elsewhere) == []


def test_a_shipped_order_is_not_cancelled_but_a_picked_one_is_and_processing_again_starts_over(site):
    shipped = ship(sales_order(site), by=site["clerk"])
    with pytest.raises(DocumentStateError, match="Bring them back with a return"):
        cancel_document(shipped, by=site["admin"])
    assert StockDocument.objects.get(pk=shipped.pk).status == DocumentStatus.PROCESSED
    assert not StockDocument.objects.get(pk=shipped.pk).can_be_cancelled
    picked = move(sales_order(site), site["clerk"], S.PICKED)
    cancel_document(picked, by=site["admin"])
    again = process_document(picked, by=site["admin"])
    assert StockDocument.objects.get(pk=again.pk).delivery_status == S.TO_PICK
    assert history(again) == [("to_pick", "picked"), ("picked", "to_pick")]


def test_a_shipped_transfer_is_not_cancelled(site):
    transfer = process_document(
        make_document(
            DocumentType.TRANSFER,
            by=site["admin"],
            warehouse=site["warehouse"],
            destination=site["other"],
            lines=[(site["product"], 1)],
        ),
        by=site["admin"],
    )
    ship(transfer, by=site["clerk"])
    with pytest.raises(DocumentStateError, match="new transfer"):
        cancel_document(transfer, by=site["admin"])


@pytest.mark.django_db(transaction=True)
def test_two_clerks_changing_the_status_at_once_leave_one_consistent_history(site):
    order = sales_order(site)
    other_clerk = UserFactory(username="clerk-two", roles=[CLERK])
    results = run_together([lambda: move(order, site["clerk"], S.PICKED), lambda: move(order, other_clerk, S.PICKED)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], DocumentStateError), results
    assert "already “Picked”" in str(refused[0])
    assert history(order) == [("to_pick", "picked")]
    # Two different steps at once: one after the other, each from where the other left it.
    results = run_together(
        [
            lambda: move(order, site["clerk"], S.SHIPPED, carrier="JNE", tracking_number="A1"),
            lambda: move(order, other_clerk, S.TO_PICK),
        ]
    )
    fresh = StockDocument.objects.get(pk=order.pk)
    events = history(order)
    assert events[0] == ("to_pick", "picked")
    for (_before, after), (following, _next) in zip(events, events[1:], strict=False):
        assert after == following  # each change starts where the previous one ended
    assert events[-1][1] == fresh.delivery_status
    assert len(events) - 1 == sum(not isinstance(r, Exception) for r in results)


# --- the pages ------------------------------------------------------------------------------------


def detail_url(document):
    return reverse("inventory:document_detail", args=[document.doc_type, document.pk])


def delivery_url(document):
    return reverse("inventory:document_delivery", args=[document.doc_type, document.pk])


def test_the_document_page_shows_the_status_its_history_and_the_form(client, site):
    order = move(sales_order(site), site["clerk"], S.PICKED)
    client.force_login(site["clerk"])
    response = client.post(
        delivery_url(order), {"status": S.SHIPPED, "carrier": "SiCepat", "tracking_number": "SC-778899"}
    )
    assert response.status_code == 302
    page = client.get(detail_url(order)).content.decode()
    assert 'id="delivery"' in page
    assert "SiCepat" in page and "SC-778899" in page
    assert 'id="delivery-history"' in page and page.count("delivery-event") == 2
    assert 'name="status" value="delivered"' in page  # the next step offered


def test_the_form_is_offered_only_with_the_right(client, site):
    order = sales_order(site)
    staff = UserFactory(username="staff", roles=[STAFF])
    client.force_login(staff)
    page = client.get(detail_url(order)).content.decode()
    assert 'id="delivery"' in page and 'name="status"' not in page
    assert client.post(delivery_url(order), {"status": S.PICKED}).status_code == 403
    assert StockDocument.objects.get(pk=order.pk).delivery_status == S.TO_PICK


@pytest.mark.parametrize(
    "data",
    [
        {"status": "shipped"},  # not picked yet
        {"status": "x" * 100_000},
        {"status": "picked\x00"},
        {"status": "picked", "note": "\x00" * 10},
        {"status": "picked", "note": "n" * 100_000},
        {},
    ],
)
def test_garbage_posts_get_a_message_and_change_nothing(client, site, data):
    order = sales_order(site)
    client.force_login(site["clerk"])
    response = client.post(delivery_url(order), data, follow=True)
    assert response.status_code == 200
    assert [m for m in response.context["messages"] if m.level == messages.ERROR]
    assert StockDocument.objects.get(pk=order.pk).delivery_status == S.TO_PICK
    assert not DeliveryEvent.objects.exists()


def test_unknown_ids_and_other_warehouses_documents_are_not_found(client, site):
    elsewhere = sales_order(site, warehouse=site["other"])
    chosen = UserFactory(username="chosen")
    chosen.groups.add(limited_role("Clerk, Utama", [site["warehouse"]]))
    client.force_login(chosen)
    assert client.post(delivery_url(elsewhere), {"status": S.PICKED}).status_code == 404
    assert client.post(reverse("inventory:document_delivery", args=["sales_order", 987654]), {}).status_code == 404
    assert client.post(reverse("inventory:document_delivery", args=["nonsense", 1]), {}).status_code == 404
    assert client.get(delivery_url(elsewhere)).status_code in (404, 405)
    assert history(elsewhere) == []


def test_the_list_filters_by_delivery_status_and_shows_it(client, site):
    picked = move(sales_order(site), site["clerk"], S.PICKED)
    waiting = sales_order(site)
    client.force_login(site["clerk"])
    url = reverse("inventory:document_list", args=["sales_order"])
    page = client.get(url, {"delivery_status": "picked"}).content.decode()
    assert picked.number in page and waiting.number not in page
    assert "delivery-picked" in page
    page = client.get(url, {"delivery_status": "bogus\x00"}).content.decode()
    assert client.get(url, {"delivery_status": "bogus"}).status_code == 200
    receipts = client.get(reverse("inventory:document_list", args=["receipt"])).content.decode()
    assert 'name="delivery_status"' not in receipts


def test_the_list_takes_the_same_queries_for_one_and_for_many_orders(client, site):
    client.force_login(site["clerk"])
    url = reverse("inventory:document_list", args=["sales_order"])
    move(sales_order(site), site["clerk"], S.PICKED)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(6):
        ship(sales_order(site), by=site["clerk"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("delivery-shipped") >= 6
    assert len(many) == len(one)


def test_the_deal_and_the_company_pages_show_the_orders_delivery_status(client, site):
    admin = site["admin"]
    deal, _row = deal_with_row(
        by=admin, product=site["product"], quantity=2, warehouse=site["warehouse"], company=site["client"]
    )
    order = sales_order(site)
    StockDocument.objects.filter(pk=order.pk).update(deal=deal)
    ship(order, by=admin, carrier="J&T", tracking_number="JT-42")
    client.force_login(admin)
    deal_page = client.get(reverse("crm:deal_detail", args=[deal.pk])).content.decode()
    assert order.number in deal_page and "delivery-shipped" in deal_page and "JT-42" in deal_page
    company_page = client.get(reverse("crm:company_detail", args=[site["client"].pk])).content.decode()
    assert order.number in company_page and "delivery-shipped" in company_page


def test_the_api_changes_the_status_as_the_pages_do(site):
    order = sales_order(site)
    api = token_client(site["clerk"])
    url = reverse("api:document-delivery", args=["sales_order", order.pk])
    assert api.post(url, {"status": "picked"}, format="json").json()["delivery_status"] == "picked"
    response = api.post(url, {"status": "delivered"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    shipped = api.post(url, {"status": "shipped", "carrier": "JNE", "tracking_number": "JN9"}, format="json").json()
    assert (shipped["delivery_status"], shipped["carrier"], shipped["tracking_number"]) == ("shipped", "JNE", "JN9")
    for garbage in (
        {"status": "returned"},
        {"status": "x" * 100_000},
        {"status": "delivered", "received_by": "\x00"},
        {"status": "delivered", "note": "n" * 100_000},
        {},
        [],
    ):
        assert api.post(url, garbage, format="json").status_code == 400, garbage
    assert api.post(reverse("api:document-delivery", args=["sales_order", 987654]), {}).status_code == 404
    staff = token_client(UserFactory(username="staff", roles=[STAFF]))
    assert staff.post(url, {"status": "delivered"}, format="json").status_code == 403
    assert history(order) == [("to_pick", "picked"), ("picked", "shipped")]
