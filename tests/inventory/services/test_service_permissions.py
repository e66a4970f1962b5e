"""Every document service checks the caller's rights: a refusal raises `PermissionDenied` and
changes nothing. Negative stock needs the setting AND the right for that type and warehouse."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from accounts.roles import grant_on_warehouses, permissions_named
from inventory.errors import InsufficientStock
from inventory.models import DocumentStatus, DocumentType, InventorySettings, StockMove
from inventory.services.documents import cancel_document, delete_document, process_document
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="boss", roles=[ADMINISTRATOR])


@pytest.fixture
def wh():
    return WarehouseFactory()


@pytest.fixture
def product(admin, wh):
    product = ProductFactory()
    stock_in(by=admin, warehouse=wh, product=product, quantity=5)
    return product


def state(document):
    document.refresh_from_db()
    return document.status, document.deleted_at, StockMove.objects.count()


@pytest.mark.parametrize("doc_type", ["receipt", "adjustment", "sales_order"])
def test_staff_may_not_process_and_nothing_changes(admin, wh, product, doc_type):
    staff = UserFactory(username="staffer", roles=[STAFF])
    document = make_document(doc_type, by=staff, warehouse=wh, lines=[(product, 1)])
    before = state(document)
    with pytest.raises(PermissionDenied):
        process_document(document, by=staff)
    assert state(document) == before == (DocumentStatus.DRAFT, None, 1)  # one movement: the stock put in


def test_staff_may_process_write_offs(admin, wh, product):
    staff = UserFactory(username="staffer", roles=[STAFF])
    document = make_document(DocumentType.WRITE_OFF, by=staff, warehouse=wh, lines=[(product, 1)])
    assert process_document(document, by=staff).status == DocumentStatus.PROCESSED


def test_clerk_may_not_cancel_or_delete(admin, wh, product):
    clerk = UserFactory(username="clerk1", roles=[CLERK])
    processed = process_document(make_document("write_off", by=clerk, warehouse=wh, lines=[(product, 1)]), by=clerk)
    draft = make_document("write_off", by=clerk, warehouse=wh, lines=[(product, 1)])
    for action, document in ((cancel_document, processed), (delete_document, draft)):
        before = state(document)
        with pytest.raises(PermissionDenied):
            action(document, by=clerk)
        assert state(document) == before
    assert on_hand(wh, product) == 4 == ledger_sum(wh, product)


def test_a_user_without_any_role_may_do_nothing(admin, wh, product):
    nobody = UserFactory(username="nobody")
    document = make_document("write_off", by=admin, warehouse=wh, lines=[(product, 1)])
    with pytest.raises(PermissionDenied):
        make_document("write_off", by=nobody, warehouse=wh, lines=[(product, 1)])
    with pytest.raises(PermissionDenied):
        process_document(document, by=nobody)
    assert state(document)[0] == DocumentStatus.DRAFT


def test_negative_stock_needs_the_setting_and_the_right_on_that_warehouse(admin, product, wh):
    other = WarehouseFactory()
    stock_in(by=admin, warehouse=other, product=product, quantity=5)
    role = Group.objects.create(name="Clerk who may go negative in one warehouse")
    role.permissions.set(permissions_named(["inventory.view_inventory", "inventory.view_product"]))
    grant_on_warehouses(role, ["inventory.edit_write_off", "inventory.process_write_off"], [wh, other])
    grant_on_warehouses(role, ["inventory.allow_negative_write_off"], [wh])
    clerk = UserFactory(username="negative")
    clerk.groups.add(role)
    InventorySettings.objects.filter(pk=1).update(allow_negative_write_off=True)

    in_wh = make_document("write_off", by=clerk, warehouse=wh, lines=[(product, 8)])
    in_other = make_document("write_off", by=clerk, warehouse=other, lines=[(product, 8)])
    process_document(in_wh, by=clerk)
    with pytest.raises(InsufficientStock):
        process_document(in_other, by=clerk)
    assert (on_hand(wh, product), on_hand(other, product)) == (Decimal(-3), Decimal(5))

    # Without the setting, the right alone is not enough.
    InventorySettings.objects.filter(pk=1).update(allow_negative_write_off=False)
    again = make_document("write_off", by=clerk, warehouse=wh, lines=[(product, 1)])
    with pytest.raises(InsufficientStock):
        process_document(again, by=clerk)
