"""A shipped transfer's goods go back with a transfer the other way that names it: processed,
the first transfer is "returned"; more than it moved is refused; cancelling the transfer back
puts it back where it was. From the transfer's page and the API, as every document."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, CLERK
from inventory.errors import DocumentStateError
from inventory.models import DeliveryEvent, DeliveryStatus, DocumentStatus, DocumentType, StockDocument
from inventory.services.documents import Header, LineInput, cancel_document, create_document, process_document
from tests.api.helpers import lines, token_client
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.test_returns import assert_ledger_consistent, balance
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, make_return, ship

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def site():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    clerk = UserFactory(username="clerk", roles=[CLERK])
    source, destination = WarehouseFactory(name="Gudang Utama"), WarehouseFactory(name="Gudang Dua")
    coffee, tea = ProductFactory(name="Kopi", sku="KOPI"), ProductFactory(name="Teh", sku="TEH")
    for product, price in ((coffee, "10.00"), (tea, "4.00")):
        receipt = make_document(DocumentType.RECEIPT, by=admin, warehouse=source, lines=[(product, 10, price)])
        process_document(receipt, by=admin)
    return {"admin": admin, "clerk": clerk, "source": source, "destination": destination, "coffee": coffee, "tea": tea}


def shipped_transfer(site, quantities):
    transfer = make_document(
        DocumentType.TRANSFER,
        by=site["admin"],
        warehouse=site["source"],
        destination=site["destination"],
        lines=[(site[name], quantity) for name, quantity in quantities],
    )
    return ship(process_document(transfer, by=site["admin"]), by=site["clerk"])


def send_back(transfer, *, by, quantities, site, warehouse=None, destination=None):
    """A draft transfer back of `transfer`; the warehouses given are what a caller typed."""
    header = Header(warehouse=warehouse or transfer.destination, destination=destination, returned_from=transfer)
    return create_document(
        doc_type=DocumentType.TRANSFER,
        by=by,
        header=header,
        lines=[LineInput(site[name], D(quantity), D(0)) for name, quantity in quantities],
    )


def status(document) -> str:
    return StockDocument.objects.get(pk=document.pk).delivery_status


def test_goods_sent_back_return_to_the_source_and_the_transfer_is_returned(site):
    transfer = shipped_transfer(site, [("coffee", 6), ("tea", 2)])
    moved = balance(site["destination"], site["coffee"])
    assert moved == (6, D("60.00"))
    # Whatever warehouses were typed, a transfer back goes from the destination to the source.
    draft = send_back(transfer, by=site["clerk"], quantities=[("coffee", 4)], site=site, warehouse=site["source"])
    assert (draft.warehouse, draft.destination, draft.returned_from) == (
        site["destination"],
        site["source"],
        transfer,
    )
    back = process_document(draft, by=site["clerk"])
    assert balance(site["destination"], site["coffee"]) == (2, D("20.00"))
    assert balance(site["source"], site["coffee"]) == (8, D("80.00"))
    assert status(transfer) == DeliveryStatus.RETURNED
    event = DeliveryEvent.objects.filter(document=transfer).latest("id")
    assert (event.from_status, event.to_status, event.return_document) == ("shipped", "returned", back)
    assert status(back) == DeliveryStatus.TO_PICK  # on its way back, tracked as any transfer
    with pytest.raises(DocumentStateError, match="Move them back with a new transfer"):
        cancel_document(transfer, by=site["admin"])
    assert_ledger_consistent()


def test_more_than_the_transfer_moved_or_another_product_is_refused(site):
    transfer = shipped_transfer(site, [("coffee", 6)])
    process_document(send_back(transfer, by=site["clerk"], quantities=[("coffee", 4)], site=site), by=site["clerk"])
    with pytest.raises(ValidationError) as refused:
        send_back(transfer, by=site["clerk"], quantities=[("coffee", 3)], site=site)
    message = " ".join(refused.value.messages).replace("\xa0", " ")
    assert "3 pcs asked back, but only 2 pcs of the 6 pcs shipped with " + transfer.number in message
    with pytest.raises(ValidationError, match="did not leave with"):
        send_back(transfer, by=site["clerk"], quantities=[("tea", 1)], site=site)
    # Two drafts of the last two: the second is refused when processed.
    one, two = (send_back(transfer, by=site["clerk"], quantities=[("coffee", 2)], site=site) for _ in range(2))
    process_document(one, by=site["clerk"])
    with pytest.raises(ValidationError, match="have not come back yet"):
        process_document(two, by=site["clerk"])
    assert StockDocument.objects.get(pk=two.pk).status == DocumentStatus.DRAFT
    assert_ledger_consistent()


def test_only_a_shipped_transfer_is_sent_back_and_a_return_names_a_sales_order(site):
    transfer = make_document(
        DocumentType.TRANSFER,
        by=site["admin"],
        warehouse=site["source"],
        destination=site["destination"],
        lines=[(site["coffee"], 1)],
    )
    with pytest.raises(ValidationError, match="not processed"):
        send_back(transfer, by=site["admin"], quantities=[("coffee", 1)], site=site)
    process_document(transfer, by=site["admin"])
    with pytest.raises(ValidationError, match="only goods that have been shipped"):
        send_back(transfer, by=site["admin"], quantities=[("coffee", 1)], site=site)
    ship(transfer, by=site["admin"])
    with pytest.raises(ValidationError, match="Choose the shipped sales order"):
        make_return(transfer, by=site["admin"], lines=[(site["coffee"], 1)])
    receipt = StockDocument.objects.filter(doc_type=DocumentType.RECEIPT).first()
    with pytest.raises(ValidationError, match="Choose the shipped transfer"):
        send_back(receipt, by=site["admin"], quantities=[("coffee", 1)], site=site)


def test_cancelling_the_transfer_back_puts_the_transfer_back_where_it_was(site):
    transfer = shipped_transfer(site, [("coffee", 6)])
    back = process_document(
        send_back(transfer, by=site["clerk"], quantities=[("coffee", 6)], site=site), by=site["clerk"]
    )
    assert balance(site["destination"], site["coffee"]) == (0, D("0.00"))
    cancel_document(back, by=site["admin"])
    assert status(transfer) == DeliveryStatus.SHIPPED
    assert balance(site["destination"], site["coffee"]) == (6, D("60.00"))
    assert_ledger_consistent()


def test_sending_back_needs_the_transfer_rights_on_the_destination(site):
    transfer = shipped_transfer(site, [("coffee", 6)])
    only_source = UserFactory(username="utama")
    only_source.groups.add(limited_role("Clerk, Utama", [site["source"]]))
    with pytest.raises(PermissionDenied):
        send_back(transfer, by=only_source, quantities=[("coffee", 1)], site=site)


def test_the_transfer_page_offers_to_send_back_and_the_form_comes_filled(client, site):
    transfer = shipped_transfer(site, [("coffee", 6), ("tea", 2)])
    process_document(send_back(transfer, by=site["clerk"], quantities=[("coffee", 1)], site=site), by=site["clerk"])
    client.force_login(site["clerk"])
    page = client.get(reverse("inventory:document_detail", args=["transfer", transfer.pk])).content.decode()
    create_url = reverse("inventory:document_create", args=["transfer"]) + f"?back={transfer.pk}"
    assert create_url in page
    assert "Send back" in page
    form = client.get(create_url)
    header = form.context["header_form"]
    assert header.initial["sent_back"] == transfer.number
    assert (header.initial["warehouse"], header.initial["destination"]) == (
        site["destination"].pk,
        site["source"].pk,
    )
    assert 'value="5"' in form.content.decode()  # 6 moved, 1 back already
    response = client.post(
        reverse("inventory:document_create", args=["transfer"]),
        {
            "sent_back": transfer.number.lower(),
            "warehouse": site["destination"].pk,
            "destination": site["source"].pk,
            "date": "2026-12-03",
            "responsible": site["clerk"].pk,
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": "KOPI",
            "lines-0-quantity": "5",
            "lines-1-product": "TEH",
            "lines-1-quantity": "2",
            "process": "1",
        },
    )
    assert response.status_code == 302, response.context["header_form"].errors
    assert status(transfer) == DeliveryStatus.RETURNED
    shown = client.get(reverse("inventory:document_detail", args=["transfer", transfer.pk])).content.decode()
    back = StockDocument.objects.filter(returned_from=transfer).latest("id")
    assert back.number in shown
    assert "Send back" not in shown  # nothing left to send back


@pytest.mark.parametrize("number", ["TR-999999", "x" * 5000, "TR\x00", "RC-000001"])
def test_a_transfer_form_naming_no_transfer_of_the_users_says_so_and_saves_nothing(client, site, number):
    client.force_login(site["clerk"])
    response = client.post(
        reverse("inventory:document_create", args=["transfer"]),
        {
            "sent_back": number,
            "warehouse": site["destination"].pk,
            "destination": site["source"].pk,
            "date": "2026-12-03",
            "responsible": site["clerk"].pk,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": "KOPI",
            "lines-0-quantity": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["header_form"].errors.get("sent_back")
    assert not StockDocument.objects.filter(doc_type="transfer").exists()


def test_the_form_of_a_garbage_or_foreign_transfer_to_send_back_is_blank(client, site):
    transfer = shipped_transfer(site, [("coffee", 6)])
    only_source = UserFactory(username="utama")
    only_source.groups.add(limited_role("Clerk, Utama", [site["source"]]))
    client.force_login(only_source)
    url = reverse("inventory:document_create", args=["transfer"])
    for back in (transfer.pk, "x", "99999999999999999999", "\x00"):
        response = client.get(url, {"back": back})
        assert response.status_code == 200
        assert transfer.number not in response.content.decode()


def test_the_api_sends_a_transfer_back(site):
    transfer = shipped_transfer(site, [("coffee", 6)])
    api = token_client(site["clerk"])
    url = reverse("api:document-list", args=["transfer"])
    response = api.post(url, {"returned_from": transfer.pk, "lines": lines((site["coffee"], 2))}, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["warehouse"], made["destination"], made["returned_from"]) == (
        site["destination"].pk,
        site["source"].pk,
        transfer.pk,
    )
    process = reverse("api:document-process", args=["transfer", made["id"]])
    assert api.post(process, {}, format="json").status_code == 200
    assert status(transfer) == DeliveryStatus.RETURNED
    response = api.post(url, {"returned_from": transfer.pk, "lines": lines((site["coffee"], 5))}, format="json")
    assert response.status_code == 400 and "have not come back yet" in response.content.decode()


def test_a_transfer_is_not_marked_returned_by_hand(site):
    from inventory.services.delivery import DeliveryUpdate, change_delivery_status

    transfer = shipped_transfer(site, [("coffee", 1)])
    with pytest.raises(DocumentStateError, match="send them back from " + transfer.number):
        change_delivery_status(transfer, by=site["clerk"], update=DeliveryUpdate(status=DeliveryStatus.RETURNED))
    assert status(transfer) == DeliveryStatus.SHIPPED
