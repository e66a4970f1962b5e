"""`can`, `can_somewhere`, `warehouses_for`, `warehouse_scope` and `acting_user`: global grants, chosen
warehouses through a role or the user's own grants, and the menu built from them."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from accounts.permissions import acting_user, can, can_somewhere, warehouse_scope, warehouses_for
from accounts.roles import grant_on_warehouses, permissions_named
from inventory.models import StockDocument
from tests.factories import UserFactory, WarehouseFactory
from web.menu import menu_for, start_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouses():
    return [WarehouseFactory(name=f"W{i}") for i in range(3)]


def fresh(user):
    """The user as a new request sees it (permission caches empty)."""
    return type(user).objects.get(pk=user.pk)


def test_a_global_grant_covers_every_warehouse(warehouses):
    clerk = UserFactory(roles=[CLERK])
    assert can(clerk, "inventory.process_receipt")
    assert all(can(clerk, "inventory.process_receipt", w) for w in warehouses)
    assert set(warehouses_for(clerk, "inventory.process_receipt")) == set(warehouses)
    assert warehouse_scope(clerk, "inventory.process_receipt") is None
    assert not can(clerk, "inventory.cancel_receipt", warehouses[0])


def test_chosen_warehouses_through_a_role(warehouses):
    role = Group.objects.create(name="Receiving, W0")
    grant_on_warehouses(role, ["inventory.process_receipt"], [warehouses[0]])
    user = UserFactory()
    user.groups.add(role)
    user = fresh(user)
    assert not can(user, "inventory.process_receipt")  # not globally
    assert can(user, "inventory.process_receipt", warehouses[0])
    assert not can(user, "inventory.process_receipt", warehouses[1])
    assert can_somewhere(user, "inventory.process_receipt")
    assert not can_somewhere(user, "inventory.process_transfer")
    assert list(warehouses_for(user, "inventory.process_receipt")) == [warehouses[0]]
    assert warehouse_scope(user, "inventory.process_receipt") == {warehouses[0].pk}


def test_a_users_own_grants_add_to_the_roles(warehouses):
    user = UserFactory(roles=[STAFF])
    assign_perm("inventory.process_receipt", user, warehouses[2])
    user.user_permissions.add(*permissions_named(["inventory.cancel_write_off"]))
    user = fresh(user)
    assert can(user, "inventory.process_receipt", warehouses[2])
    assert not can(user, "inventory.process_receipt", warehouses[1])
    assert can(user, "inventory.cancel_write_off", warehouses[1])
    assert can(user, "inventory.view_receipt", warehouses[1])  # from the role


def test_a_transfer_needs_the_right_on_both_warehouses(warehouses):
    role = Group.objects.create(name="Transfers, W0 and W1")
    grant_on_warehouses(role, ["inventory.process_transfer"], warehouses[:2])
    user = UserFactory()
    user.groups.add(role)
    user = fresh(user)
    both = StockDocument(doc_type="transfer", warehouse=warehouses[0], destination=warehouses[1])
    outward = StockDocument(doc_type="transfer", warehouse=warehouses[0], destination=warehouses[2])
    assert can(user, "inventory.process_transfer", both)
    assert not can(user, "inventory.process_transfer", outward)


def test_inactive_and_anonymous_users_may_do_nothing(warehouses):
    from django.contrib.auth.models import AnonymousUser

    admin = UserFactory(roles=[ADMINISTRATOR], is_active=False)
    assert not can(admin, "inventory.view_inventory")
    assert not can(AnonymousUser(), "inventory.view_inventory")
    assert not warehouses_for(admin, "inventory.view_warehouse").exists()


def test_the_acting_user_a_service_records_is_never_anonymous():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    user = UserFactory(roles=[CLERK])
    assert acting_user(user) is user
    with pytest.raises(PermissionDenied):
        acting_user(AnonymousUser())


def test_answers_come_from_caches_after_the_first(warehouses):
    role = Group.objects.create(name="Cancelling receipts, W0")
    grant_on_warehouses(role, ["inventory.cancel_receipt"], warehouses[:1])
    user = fresh(UserFactory(roles=[CLERK]))
    user.groups.add(role)
    can(user, "inventory.cancel_receipt", warehouses[0])  # loads both caches
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            answers = [
                (can(user, "inventory.cancel_receipt", w), can(user, "inventory.process_receipt", w))
                for w in warehouses
            ]
            assert answers == [(True, True), (False, True), (False, True)]  # chosen; the clerk's, everywhere
            assert can_somewhere(user, "inventory.cancel_receipt") and not can_somewhere(user, "crm.use_crm")
    assert len(queries) == 0


@pytest.mark.parametrize(
    ("role", "crm", "documents", "start"),
    [
        (ADMINISTRATOR, True, 7, "inventory:stock"),
        (STAFF, True, 7, "inventory:stock"),
        (CLERK, False, 7, "inventory:stock"),
    ],
)
def test_menu_of_each_default_role(role, crm, documents, start):
    menu = menu_for(UserFactory(roles=[role], is_staff=False))
    assert (menu["crm"], len(menu["documents"]), menu["stock"], menu["admin"]) == (crm, documents, True, False)
    assert start_url(UserFactory(roles=[role])) == reverse(start)


def test_a_crm_only_role_starts_in_the_crm_and_sees_no_inventory(client):
    role = Group.objects.create(name="Sales desk")
    role.permissions.set(permissions_named(["crm.use_crm"]))
    user = UserFactory(is_staff=False)
    user.groups.add(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.headers["Location"] == reverse("crm:company_list")
    page = client.get(reverse("crm:company_list"))
    sidebar = page.content.decode().split("<main")[0]
    assert "Companies" in sidebar and "Stock receipts" not in sidebar and "Warehouses" not in sidebar
    assert client.get(reverse("inventory:stock")).status_code == 403


def test_a_user_without_roles_gets_the_403_page(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
