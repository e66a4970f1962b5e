""" "Save and process" on the document form: offered only to who may process the document
there; a refusal after saving keeps the draft and says so on its page, never a bare 403."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.catalogue import STAFF
from accounts.roles import grant_on_warehouses, permissions_named
from inventory.models import DocumentStatus, DocumentType, StockDocument
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_documents import form_data, messages_of
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

PROCESS_BUTTON = 'name="process"'


@pytest.fixture
def alpha():
    return WarehouseFactory(name="Gudang Alpha")


@pytest.fixture
def bravo():
    return WarehouseFactory(name="Gudang Bravo")


@pytest.fixture
def receiver(alpha, bravo):
    """Edits receipts in Alpha and Bravo, processes them in Alpha only."""
    role = Group.objects.create(name="Receiver")
    role.permissions.set(permissions_named(["inventory.view_inventory", "inventory.view_product"]))
    grant_on_warehouses(
        role, ["inventory.view_receipt", "inventory.edit_receipt", "inventory.view_warehouse"], [alpha, bravo]
    )
    grant_on_warehouses(role, ["inventory.process_receipt"], [alpha])
    user = UserFactory(username="receiver")
    user.groups.add(role)
    return user


@pytest.fixture
def staff():
    return UserFactory(username="store-staff", roles=[STAFF])


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(f"inventory:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_staff_is_not_offered_save_and_process_for_receipts_but_is_for_write_offs(client, staff, alpha):
    assert PROCESS_BUTTON not in page(client, staff, "document_create", "receipt")
    assert PROCESS_BUTTON in page(client, staff, "document_create", "write_off")  # staff may process those
    draft = make_document(DocumentType.RECEIPT, by=staff, warehouse=alpha, lines=[(ProductFactory(), 1)])
    assert PROCESS_BUTTON not in page(client, staff, "document_update", "receipt", draft.pk)


def test_the_button_follows_the_drafts_warehouse(client, receiver, alpha, bravo):
    assert PROCESS_BUTTON in page(client, receiver, "document_create", "receipt")  # may process somewhere
    product = ProductFactory()
    in_alpha = make_document(DocumentType.RECEIPT, by=receiver, warehouse=alpha, lines=[(product, 1)])
    in_bravo = make_document(DocumentType.RECEIPT, by=receiver, warehouse=bravo, lines=[(product, 1)])
    assert PROCESS_BUTTON in page(client, receiver, "document_update", "receipt", in_alpha.pk)
    assert PROCESS_BUTTON not in page(client, receiver, "document_update", "receipt", in_bravo.pk)


@pytest.mark.parametrize("who", ["receiver", "staff"])
def test_save_and_process_where_processing_is_refused_keeps_the_draft_and_says_so(client, request, who, alpha, bravo):
    user = request.getfixturevalue(who)
    client.force_login(user)
    data = form_data(user, lines=[(ProductFactory(), "2", "1000")], supplier=CompanyFactory(), warehouse=bravo)
    data["process"] = "1"
    response = client.post(reverse("inventory:document_create", args=["receipt"]), data)
    document = StockDocument.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inventory:document_detail", args=["receipt", document.pk])
    assert document.status == DocumentStatus.DRAFT
    detail = client.get(response.url)
    text = " ".join(messages_of(detail))
    assert f"The draft {document.number} was saved, but you may not process it:" in text
    assert "Gudang Bravo" in text
    assert f"{document.number} processed." not in text


def test_save_and_process_where_it_is_allowed_processes(client, receiver, alpha):
    client.force_login(receiver)
    data = form_data(receiver, lines=[(ProductFactory(), "2", "1000")], supplier=CompanyFactory(), warehouse=alpha)
    data["process"] = "1"
    response = client.post(reverse("inventory:document_create", args=["receipt"]), data, follow=True)
    document = StockDocument.objects.get()
    assert document.status == DocumentStatus.PROCESSED
    assert f"{document.number} processed." in messages_of(response)
