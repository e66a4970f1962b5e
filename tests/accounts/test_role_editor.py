"""The role editor in the admin: the catalogue as a matrix, grants for all or chosen warehouses
saved in one transaction, access limited to those who may manage roles, the last
administrator kept, the overview in a constant number of queries, Indonesian labels."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from guardian.shortcuts import assign_perm

from accounts.catalogue import ADMINISTRATOR, BY_NAME, CLERK, DOCUMENT_ACTIONS, DOCUMENT_TYPES, RIGHTS, STAFF
from accounts.forms import field_name, warehouses_field_name
from accounts.models import Role, WarehouseGroupPermission
from accounts.permissions import can
from accounts.roles import delete_role, permissions_named, role_grants, save_role_grants
from tests.factories import UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_role_changelist"
OVERVIEW = "admin:accounts_role_overview"


@pytest.fixture
def warehouses():
    return [WarehouseFactory(name=f"W{i}") for i in range(3)]


@pytest.fixture
def manager(user):
    """The only one who may manage roles: a non-superuser in the administrator role."""
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    return user


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def change_url(role):
    return reverse("admin:accounts_role_change", args=[role.pk])


def form_data(name, *, members=(), global_perms=(), chosen=None):
    """What the browser posts: a checkbox or a mode per right, the chosen warehouses' ids."""
    chosen = chosen or {}
    data = {"name": name, "members": [u.pk for u in members]}
    for right in RIGHTS:
        key = field_name(right)
        if not right.per_warehouse:
            if right.name in global_perms:
                data[key] = "on"
        elif right.name in global_perms:
            data[key] = "all"
        elif right.name in chosen:
            data[key] = "chosen"
            data[warehouses_field_name(right)] = [getattr(w, "pk", w) for w in chosen[right.name]]
        else:
            data[key] = "none"
    return data


def snapshot(role):
    """Everything the editor may change about a role."""
    role = Group.objects.get(pk=role.pk)
    return (
        role.name,
        sorted(role.permissions.values_list("content_type__app_label", "codename")),
        sorted(WarehouseGroupPermission.objects.filter(group=role).values_list("permission_id", "content_object_id")),
        sorted(role.user_set.values_list("pk", flat=True)),
    )


# -- the page ------------------------------------------------------------------------------------


def test_roles_replace_the_group_admin():
    assert admin.site.is_registered(Role)
    assert not admin.site.is_registered(Group)


def test_the_matrix_shows_every_catalogue_right_with_its_current_grant(manager_client, warehouses):
    administrator = Group.objects.get(name=ADMINISTRATOR)
    response = manager_client.get(change_url(administrator))
    assert response.status_code == 200
    html = response.content.decode()
    for right in RIGHTS:
        assert f'name="{field_name(right)}"' in html, right.name
        if right.per_warehouse:
            assert f'name="{warehouses_field_name(right)}"' in html, right.name
        assert escape(right.label) in html and escape(right.section) in html, right.name
    for label in DOCUMENT_ACTIONS.values():
        assert f'<th scope="col">{escape(label)}</th>' in html
    per_warehouse = sum(right.per_warehouse for right in RIGHTS)
    assert html.count('<option value="all" selected>') == per_warehouse  # administrator: all, everywhere
    form = response.context["adminform"].form
    assert all(form[field_name(r)].value() is True for r in RIGHTS if not r.per_warehouse)


def test_the_matrix_lists_the_warehouses_to_choose(manager_client, warehouses):
    response = manager_client.get(reverse("admin:accounts_role_add"))
    html = response.content.decode()
    process_receipt = BY_NAME["inventory.process_receipt"]
    for warehouse in warehouses:
        assert f'name="{warehouses_field_name(process_receipt)}" value="{warehouse.pk}"' in html
    assert html.count('<option value="none" selected>') == sum(r.per_warehouse for r in RIGHTS)


def test_the_changelist_links_to_the_overview(manager_client):
    response = manager_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert reverse(OVERVIEW) in response.content.decode()


# -- saving --------------------------------------------------------------------------------------


def test_all_chosen_and_none_are_saved_and_shown_again(manager_client, warehouses):
    w0, w1, w2 = warehouses
    member = UserFactory()
    data = form_data(
        "Receiving",
        members=[member],
        global_perms={"inventory.view_inventory", "inventory.process_receipt"},
        chosen={"inventory.view_receipt": [w0, w1]},
    )
    response = manager_client.post(reverse("admin:accounts_role_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = Group.objects.get(name="Receiving")
    assert role_grants(role) == (
        {"inventory.view_inventory", "inventory.process_receipt"},
        {"inventory.view_receipt": {w0.pk, w1.pk}},
    )
    assert list(role.user_set.all()) == [member]

    form = manager_client.get(change_url(role)).context["adminform"].form
    assert form["inventory__view_inventory"].value() is True
    assert form["inventory__view_reports"].value() is False
    assert form["inventory__process_receipt"].value() == "all"
    assert form["inventory__view_receipt"].value() == "chosen"
    assert sorted(form["inventory__view_receipt__warehouses"].value()) == sorted([str(w0.pk), str(w1.pk)])
    assert form["inventory__delete_receipt"].value() == "none"
    assert form["members"].value() == [member.pk]

    # Change every kind of grant into another.
    data = form_data(
        "Receiving, Surabaya",
        members=[],
        global_perms={"inventory.view_receipt"},
        chosen={"inventory.process_receipt": [w2]},
    )
    response = manager_client.post(change_url(role), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    role.refresh_from_db()
    assert role.name == "Receiving, Surabaya"
    assert role_grants(role) == ({"inventory.view_receipt"}, {"inventory.process_receipt": {w2.pk}})
    assert not role.user_set.exists()


def test_chosen_warehouses_are_object_permissions_that_can_answers(manager_client, warehouses):
    w0, w1, w2 = warehouses
    role = Group.objects.create(name="Counting")
    member = UserFactory()
    member.groups.add(role)
    data = form_data("Counting", members=[member], chosen={"inventory.process_stock_count": [w0, w2]})
    assert manager_client.post(change_url(role), data).status_code == 302

    rows = WarehouseGroupPermission.objects.filter(group=role)
    assert sorted((r.permission.codename, r.content_object_id) for r in rows) == [
        ("process_stock_count", w0.pk),
        ("process_stock_count", w2.pk),
    ]
    member = fresh(member)
    assert can(member, "inventory.process_stock_count", w0)
    assert can(member, "inventory.process_stock_count", w2)
    assert not can(member, "inventory.process_stock_count", w1)
    assert not can(member, "inventory.process_stock_count")  # not for all warehouses
    assert not can(member, "inventory.view_stock_count", w0)


def test_permissions_outside_the_catalogue_are_kept(warehouses, manager):
    role = Group.objects.create(name="Mixed")
    role.permissions.add(*permissions_named(["auth.view_user", "inventory.view_reports"]))
    assign_perm("inventory.change_warehouse", role, warehouses[0])  # not a catalogue right
    save_role_grants(role, by=manager, global_perms={"inventory.view_inventory"}, per_warehouse={})
    held = set(role.permissions.values_list("content_type__app_label", "codename"))
    assert held == {("auth", "view_user"), ("inventory", "view_inventory")}
    assert WarehouseGroupPermission.objects.filter(group=role, permission__codename="change_warehouse").exists()


def test_chosen_without_a_warehouse_is_a_form_error(manager_client, warehouses):
    clerk = Group.objects.get(name=CLERK)
    before = snapshot(clerk)
    data = form_data("Renamed clerk", chosen={"inventory.view_receipt": []})
    data["inventory__view_receipt"] = "chosen"
    response = manager_client.post(change_url(clerk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["inventory__view_receipt__warehouses"]
    assert "Choose at least one warehouse" in response.content.decode()
    assert snapshot(clerk) == before


def test_an_unknown_warehouse_is_a_form_error_and_changes_nothing(manager_client, warehouses):
    clerk = Group.objects.get(name=CLERK)
    before = snapshot(clerk)
    data = form_data("Renamed clerk", chosen={"inventory.view_receipt": [warehouses[0].pk, 987654]})
    response = manager_client.post(change_url(clerk), data)
    assert response.status_code == 200
    assert "inventory__view_receipt__warehouses" in response.context["adminform"].form.errors
    assert snapshot(clerk) == before


def test_the_service_refuses_unknown_warehouses_and_rights_changing_nothing(warehouses, manager):
    clerk = Group.objects.get(name=CLERK)
    before = snapshot(clerk)
    clerk.name = "Renamed clerk"
    with pytest.raises(ValidationError):
        save_role_grants(
            clerk, by=manager, global_perms=set(), per_warehouse={"inventory.view_receipt": [warehouses[0], 987654]}
        )
    with pytest.raises(ValidationError):
        save_role_grants(clerk, by=manager, global_perms={"inventory.no_such_right"}, per_warehouse={})
    with pytest.raises(ValidationError):  # not a per-warehouse right
        save_role_grants(
            clerk, by=manager, global_perms=set(), per_warehouse={"inventory.view_reports": [warehouses[0]]}
        )
    assert snapshot(clerk) == before


@pytest.mark.parametrize("role_name", [STAFF, CLERK])
def test_saving_or_deleting_a_role_needs_the_right_to_manage_roles(warehouses, role_name):
    person = UserFactory(roles=[role_name])
    clerk = Group.objects.get(name=CLERK)
    before = snapshot(clerk)
    with pytest.raises(PermissionDenied):
        save_role_grants(clerk, by=person, global_perms={"inventory.view_inventory"}, per_warehouse={}, members=[])
    with pytest.raises(PermissionDenied):
        delete_role(clerk, by=person)
    assert snapshot(clerk) == before


def test_a_failure_in_the_middle_leaves_the_role_as_it_was(warehouses, monkeypatch, manager):
    """The global permissions are written before the warehouse rows: when writing those fails,
    the name, the permissions and the members written before are rolled back too."""
    clerk = Group.objects.get(name=CLERK)
    clerk_user = UserFactory(roles=[CLERK])
    before = snapshot(clerk)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(WarehouseGroupPermission.objects, "bulk_create", broken)
    clerk.name = "Renamed clerk"
    with pytest.raises(RuntimeError):
        save_role_grants(
            clerk,
            by=manager,
            global_perms={"inventory.view_inventory"},
            per_warehouse={"inventory.view_receipt": [warehouses[1]]},
            members=[],
        )
    assert snapshot(clerk) == before
    assert clerk_user.groups.filter(pk=clerk.pk).exists()


# -- who may open the editor ---------------------------------------------------------------------


def role_urls():
    clerk = Group.objects.get(name=CLERK)
    return [
        reverse(CHANGELIST),
        reverse("admin:accounts_role_add"),
        change_url(clerk),
        reverse("admin:accounts_role_delete", args=[clerk.pk]),
        reverse("admin:accounts_role_history", args=[clerk.pk]),
        reverse(OVERVIEW),
    ]


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_staff_without_the_right_get_403(client, role):
    employee = UserFactory(roles=[role])  # is_staff: may enter the admin
    client.force_login(employee)
    for url in role_urls():
        assert client.get(url).status_code == 403, url
    clerk = Group.objects.get(name=CLERK)
    before = snapshot(clerk)
    assert client.post(change_url(clerk), form_data("Hijacked")).status_code == 403
    assert client.post(reverse("admin:accounts_role_delete", args=[clerk.pk]), {"post": "yes"}).status_code == 403
    assert snapshot(clerk) == before
    assert "accounts/role/" not in client.get(reverse("admin:index")).content.decode()


def test_holders_of_the_right_and_superusers_open_every_page(client, manager):
    superuser = UserFactory(is_superuser=True)
    own_right = UserFactory()
    own_right.user_permissions.add(*permissions_named(["accounts.manage_roles"]))
    history = reverse("admin:accounts_role_history", args=[Group.objects.get(name=CLERK).pk])
    for person in (manager, superuser, own_right):
        client.force_login(person)
        for url in role_urls():
            # A role's History page (its change history) needs "View change history" too.
            want = 403 if person is own_right and url == history else 200
            assert client.get(url).status_code == want, (person, url)
    own_right.user_permissions.add(*permissions_named(["accounts.view_change_history"]))
    own_right = type(own_right).objects.get(pk=own_right.pk)  # a fresh permission cache
    client.force_login(own_right)
    assert client.get(history).status_code == 200


# -- the last administrator ----------------------------------------------------------------------


def test_removing_the_right_from_the_last_administrators_role_is_refused(manager_client, manager):
    administrator = Group.objects.get(name=ADMINISTRATOR)
    before = snapshot(administrator)
    everything_but = set(BY_NAME) - {"accounts.manage_roles"}
    response = manager_client.post(
        change_url(administrator), form_data(ADMINISTRATOR, members=[manager], global_perms=everything_but)
    )
    assert response.status_code == 302 and response.headers["Location"] == change_url(administrator)
    assert "leave nobody who can manage roles" in manager_client.get(change_url(administrator)).content.decode()
    assert snapshot(administrator) == before
    with pytest.raises(ValidationError):
        save_role_grants(administrator, by=manager, global_perms=everything_but, per_warehouse={})
    assert snapshot(administrator) == before


def test_removing_the_last_administrator_from_the_role_is_refused(manager_client):
    administrator = Group.objects.get(name=ADMINISTRATOR)
    before = snapshot(administrator)
    other = UserFactory(is_active=False)  # an inactive member does not count
    response = manager_client.post(
        change_url(administrator), form_data(ADMINISTRATOR, members=[other], global_perms=set(BY_NAME))
    )
    assert response.status_code == 302 and response.headers["Location"] == change_url(administrator)
    assert "leave nobody who can manage roles" in manager_client.get(change_url(administrator)).content.decode()
    assert snapshot(administrator) == before


def test_deleting_the_last_administrators_role_is_refused(manager_client, manager):
    administrator = Group.objects.get(name=ADMINISTRATOR)
    delete_url = reverse("admin:accounts_role_delete", args=[administrator.pk])
    response = manager_client.post(delete_url, {"post": "yes"}, follow=True)
    assert "leave nobody who can manage roles" in response.content.decode()
    assert Group.objects.filter(pk=administrator.pk).exists()
    with pytest.raises(ValidationError):
        delete_role(administrator, by=manager)
    assert Group.objects.filter(pk=administrator.pk).exists()


def test_with_another_administrator_the_same_changes_go_through(manager_client, manager):
    other_role = Group.objects.create(name="Second administrators")
    other_role.permissions.add(*permissions_named(["accounts.manage_roles"]))
    UserFactory().groups.add(other_role)
    administrator = Group.objects.get(name=ADMINISTRATOR)
    response = manager_client.post(
        change_url(administrator),
        form_data(ADMINISTRATOR, members=[manager], global_perms={"inventory.view_inventory"}),
    )
    assert response.status_code == 302
    assert role_grants(administrator)[0] == {"inventory.view_inventory"}
    assert manager_client.get(change_url(administrator)).status_code == 403  # no longer theirs


def test_deleting_a_role_with_an_administrator_left(manager_client):
    staff = Group.objects.get(name=STAFF)
    response = manager_client.post(reverse("admin:accounts_role_delete", args=[staff.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.filter(pk=staff.pk).exists()


def test_an_active_superuser_counts_as_an_administrator(warehouses):
    superuser = UserFactory(is_superuser=True)
    administrator = Group.objects.get(name=ADMINISTRATOR)
    delete_role(administrator, by=superuser)
    assert not Group.objects.filter(pk=administrator.pk).exists()


# -- the overview --------------------------------------------------------------------------------


def test_the_overview_shows_each_roles_grants(manager_client, warehouses, manager):
    w0, w1, _w2 = warehouses
    role = Group.objects.create(name="Receiving")
    save_role_grants(
        role,
        by=manager,
        global_perms={"inventory.view_inventory", "inventory.process_receipt"},
        per_warehouse={"inventory.view_receipt": [w1, w0]},
    )
    response = manager_client.get(reverse(OVERVIEW))
    assert response.status_code == 200
    roles = [r.name for r in response.context["roles"]]
    assert roles == sorted([ADMINISTRATOR, STAFF, CLERK, "Receiving"])
    column = roles.index("Receiving")
    cells = {(section, label): row[column] for section, rights in response.context["sections"] for label, row in rights}
    assert cells[("Inventory area", "View Inventory Management area")] == "✓"
    assert cells[(DOCUMENT_TYPES["receipt"], "process")] == "all"
    assert cells[(DOCUMENT_TYPES["receipt"], "view")] == "W0, W1"
    assert cells[(DOCUMENT_TYPES["receipt"], "delete")] == ""
    assert cells[("Inventory area", "View reports")] == ""
    assert len(cells) == len(RIGHTS)
    assert "W0, W1" in response.content.decode()


def test_the_overview_takes_the_same_queries_for_3_and_10_roles(manager_client, warehouses, manager):
    url = reverse(OVERVIEW)
    manager_client.get(url)  # warm the content type cache
    with CaptureQueriesContext(connection) as three:
        assert manager_client.get(url).status_code == 200
    assert Group.objects.count() == 3
    for i in range(7):
        role = Group.objects.create(name=f"Extra {i}")
        save_role_grants(
            role,
            by=manager,
            global_perms={"inventory.view_inventory", "inventory.view_receipt"},
            per_warehouse={"inventory.process_receipt": warehouses[: i % 3 + 1], "inventory.view_transfer": warehouses},
        )
    with CaptureQueriesContext(connection) as ten:
        response = manager_client.get(url)
    assert len(response.context["roles"]) == 10
    assert len(ten) == len(three), [q["sql"] for q in ten.captured_queries]


# -- Indonesian ----------------------------------------------------------------------------------


def test_every_catalogue_label_has_an_indonesian_translation():
    same_in_both = {"CRM"}
    strings = {r.label for r in RIGHTS} | {r.section for r in RIGHTS}
    strings |= set(DOCUMENT_TYPES.values()) | set(DOCUMENT_ACTIONS.values())
    with translation.override("id"):
        untranslated = sorted(s for s in strings - same_in_both if translation.gettext(s) == s)
    assert untranslated == []


def test_the_editor_and_overview_speak_indonesian(manager_client):
    manager_client.post(reverse("set_language"), {"language": "id"})  # the top bar's switch
    administrator = Group.objects.get(name=ADMINISTRATOR)
    page = manager_client.get(change_url(administrator)).content.decode()
    assert "Lihat area manajemen inventaris" in page
    assert "Penerimaan stok" in page
    assert "buat &amp; ubah" in page
    assert "semua gudang" in page
    assert "Dokumen" in page
    assert "View Inventory Management area" not in page
    overview = manager_client.get(reverse(OVERVIEW)).content.decode()
    assert "Pengaturan akses karyawan" in overview
    assert "Peran dan hak akses" in overview
