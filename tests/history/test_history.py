"""The change history: who changed what, when, old → new, on the History tab of products,
warehouses, roles (admin), settings and form layouts, for holders of "View change history"."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import (
    ADMINISTRATOR,
    CLERK,
    DEFAULT_ROLES,
    VIEW_CHANGE_HISTORY,
    VIEW_PURCHASE_PRICE,
    VIEW_REPORTS,
    right,
)
from accounts.roles import grant_on_warehouses, permissions_named, save_role_grants
from history.models import ProductEvent
from history.services import acting
from inventory.formatting import format_amount
from inventory.models import CostingMethod, InventorySettings, MinimumStock, Product
from inventory.services.catalog import ProductInput, update_product
from inventory.services.settings import change_costing_method
from inventory.tasks import recompute_costs
from layouts.models import FieldType, FormLayout
from layouts.services import CustomFieldInput, add_custom_field, update_custom_field
from tests.api.helpers import token_client
from tests.factories import CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.layouts.test_configurable_pages import product_post

pytestmark = pytest.mark.django_db


def role_with(name: str, rights, warehouses=None) -> Group:
    """A role holding `rights`; with `warehouses`, its per-warehouse rights on those only."""
    role = Group.objects.create(name=name)
    role.permissions.set(permissions_named(r for r in rights if warehouses is None or not right(r).per_warehouse))
    if warehouses is not None:
        grant_on_warehouses(role, [r for r in rights if right(r).per_warehouse], warehouses)
    return role


@pytest.fixture
def admin(client):
    user = UserFactory(username="boss", first_name="Budi", last_name="Santoso", roles=[ADMINISTRATOR], is_staff=True)
    return user


def kept(product: Product, **changes) -> ProductInput:
    """The product's form as it is, but for `changes`."""
    return ProductInput(**{"sku": product.sku, "name": product.name, "category": product.category, **changes})


def entries_of(response) -> list:
    assert response.status_code == 200, response.status_code
    return response.context["entries"]


def changes_of(entry) -> dict[str, tuple[str, str]]:
    return {change.label: (change.old, change.new) for change in entry.changes}


def test_a_price_change_by_one_user_is_shown_with_old_and_new_value(client, admin):
    editor = UserFactory(username="sari", first_name="Sari", last_name="Dewi", roles=[ADMINISTRATOR])
    product = ProductFactory(selling_price=Decimal("15"), purchase_price=Decimal("10"), vat_rate=11)
    client.force_login(editor)
    url = reverse("inventory:product_update", args=[product.pk])
    assert client.post(url, product_post(product, selling_price="20")).status_code == 302

    client.force_login(admin)
    response = client.get(reverse("history:product", args=[product.pk]))
    latest = entries_of(response)[0]
    assert latest.user == editor and latest.source == "web" and latest.action == "Changed"
    assert changes_of(latest) == {"Selling price": (format_amount(Decimal("15")), format_amount(Decimal("20")))}
    page = response.content.decode()
    assert "Sari Dewi" in page and format_amount(Decimal("20")) in page


def test_display_values_are_names_and_labels_not_ids(client, admin):
    old, new = CategoryFactory(name="Minuman"), CategoryFactory(name="Makanan")
    product = ProductFactory(category=old, unit="pcs")
    with acting(admin, source="web"):
        update_product(product, by=admin, data=kept(product, category=new, unit="kg"))
    client.force_login(admin)
    latest = entries_of(client.get(reverse("history:product", args=[product.pk])))[0]
    assert changes_of(latest) == {"Category": ("Minuman", "Makanan"), "Unit of measure": ("piece", "kilogram")}


def test_a_user_without_the_right_gets_403_on_every_history_page(client, admin):
    product, warehouse = ProductFactory(), WarehouseFactory()
    add_custom_field(by=admin, key="product", data=CustomFieldInput(key="origin", label_en="Origin", field_type="text"))
    everything_else = role_with("All but history", set(DEFAULT_ROLES[ADMINISTRATOR]) - {VIEW_CHANGE_HISTORY})
    user = UserFactory(is_staff=True)
    user.groups.add(everything_else)
    client.force_login(user)
    urls = [
        reverse("history:product", args=[product.pk]),
        reverse("history:warehouse", args=[warehouse.pk]),
        reverse("history:settings"),
        reverse("history:layout", args=["product"]),
        reverse("history:layout_field", args=["product", "origin"]),
        reverse("admin:inventory_product_history", args=[product.pk]),
        reverse("admin:accounts_role_history", args=[everything_else.pk]),
        reverse("admin:inventory_warehouse_history", args=[warehouse.pk]),
        reverse("admin:inventory_inventorysettings_history", args=[InventorySettings.load().pk]),
        reverse("admin:layouts_formlayout_history", args=[FormLayout.objects.get(key="product").pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    # and the buttons are not offered
    page = client.get(reverse("inventory:product_detail", args=[product.pk])).content.decode()
    assert "data-history-link" not in page
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("inventory:product_detail", args=[product.pk])).content.decode()
    assert reverse("history:product", args=[product.pk]) in page


def test_the_purchase_price_is_shown_only_with_its_right(client, admin):
    product = ProductFactory(selling_price=Decimal("15"), purchase_price=Decimal("10"))
    with acting(admin, source="web"):
        update_product(product, by=admin, data=kept(product, purchase_price=Decimal("12")))
        update_product(
            product,
            by=admin,
            data=kept(product, purchase_price=Decimal("13"), selling_price=Decimal("16")),
        )
    rights = {r for r in DEFAULT_ROLES[CLERK] if r != VIEW_PURCHASE_PRICE} | {VIEW_CHANGE_HISTORY}
    viewer = UserFactory()
    viewer.groups.add(role_with("History, no costs", rights))
    client.force_login(viewer)
    listed = entries_of(client.get(reverse("history:product", args=[product.pk])))
    assert [e.action for e in listed] == ["Changed", "Created"]  # the purchase-price-only change is not listed
    assert changes_of(listed[0]) == {"Selling price": (format_amount(Decimal("15")), format_amount(Decimal("16")))}
    assert all("Purchase price" not in changes_of(e) for e in listed)

    client.force_login(admin)
    listed = entries_of(client.get(reverse("history:product", args=[product.pk])))
    assert [e.action for e in listed] == ["Changed", "Changed", "Created"]
    assert changes_of(listed[1]) == {"Purchase price": (format_amount(Decimal("10")), format_amount(Decimal("12")))}


def test_minimum_levels_are_shown_for_the_warehouses_the_user_sees(client, admin):
    seen, unseen = WarehouseFactory(name="Gudang Alpha"), WarehouseFactory(name="Gudang Bravo")
    product = ProductFactory()
    with acting(admin, source="web"):
        update_product(
            product,
            by=admin,
            data=kept(product, minimums={seen: Decimal(5), unseen: Decimal(7)}),
        )
    limited = UserFactory()
    limited.groups.add(role_with("Alpha with history", set(DEFAULT_ROLES[CLERK]) | {VIEW_CHANGE_HISTORY}, [seen]))
    client.force_login(limited)
    listed = entries_of(client.get(reverse("history:product", args=[product.pk])))
    subjects = [e.subject for e in listed if e.subject]
    assert subjects == ["Minimum stock level · Gudang Alpha"]
    assert changes_of(next(e for e in listed if e.subject)) == {"Minimum stock": ("", "5")}
    assert client.get(reverse("history:warehouse", args=[seen.pk])).status_code == 200
    assert client.get(reverse("history:warehouse", args=[unseen.pk])).status_code == 404

    client.force_login(admin)
    listed = entries_of(client.get(reverse("history:product", args=[product.pk])))
    assert sorted(e.subject for e in listed if e.subject) == [
        "Minimum stock level · Gudang Alpha",
        "Minimum stock level · Gudang Bravo",
    ]


def _change_many(admin, product, times: int) -> None:
    warehouses = [WarehouseFactory() for _ in range(3)]
    with acting(admin, source="web"):
        for n in range(times):
            category = CategoryFactory()
            editor = UserFactory()
            with acting(editor, source="web"):
                update_product(
                    product,
                    by=admin,
                    data=ProductInput(
                        sku=product.sku,
                        name=f"{product.name} {n}",
                        category=category,
                        selling_price=Decimal(20 + n),
                        minimums={warehouses[n % 3]: Decimal(n + 1)},
                    ),
                )


def test_the_query_count_of_a_history_page_does_not_grow_with_its_changes(client, admin):
    few, many = ProductFactory(), ProductFactory()
    _change_many(admin, few, 4)
    _change_many(admin, many, 12)
    client.force_login(admin)
    counts = []
    for product in (few, many):
        url = reverse("history:product", args=[product.pk])
        client.get(url)  # warm the session and the user's permission cache alike
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(entries_of(client.get(reverse("history:product", args=[many.pk])))) == 25  # a full page
    assert counts[0] == counts[1], counts


def test_the_history_is_paginated(client, admin):
    product = ProductFactory()
    _change_many(admin, product, 15)  # 1 insert + 15 changes + 15 minimum levels
    client.force_login(admin)
    response = client.get(reverse("history:product", args=[product.pk]), {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(entries_of(response)) == 31 - 25


def test_an_api_change_by_token_records_its_user(admin):
    product = ProductFactory(selling_price=Decimal("15"))
    api_user = UserFactory(username="integrator", roles=[ADMINISTRATOR])
    response = token_client(api_user).patch(
        reverse("api:product-detail", args=[product.pk]), {"selling_price": "18.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    event = ProductEvent.objects.filter(pgh_obj_id=product.pk).latest("pgh_id")
    assert event.selling_price == Decimal("18") and event.pgh_context["user"] == api_user.pk
    assert event.pgh_context["source"] == "api"


def test_changes_outside_a_request_are_attributed_by_acting(admin):
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(name="Nobody")
    with acting(admin, source="worker"):
        Product.objects.filter(pk=product.pk).update(name="Worker")
        with acting(None, source="command"):
            Product.objects.filter(pk=product.pk).update(name="Command")
        Product.objects.filter(pk=product.pk).update(name="Worker again")
    contexts = [
        (e.name, (e.pgh_context or {}).get("user"), (e.pgh_context or {}).get("source"))
        for e in ProductEvent.objects.filter(pgh_obj_id=product.pk, pgh_label="update").order_by("pgh_id")
    ]
    assert contexts == [
        ("Nobody", None, None),
        ("Worker", admin.pk, "worker"),
        ("Command", None, "command"),
        ("Worker again", admin.pk, "worker"),
    ]


def test_the_costing_method_changed_by_the_command_is_in_the_settings_history(client, admin):
    call_command("recompute_costs", method=CostingMethod.AVERAGE, verbosity=0)
    client.force_login(admin)
    latest = entries_of(client.get(reverse("history:settings")))[0]
    assert latest.user is None and latest.source == "command"
    assert changes_of(latest) == {"Costing method": (str(CostingMethod.FIFO.label), str(CostingMethod.AVERAGE.label))}


def test_reservation_settings_changed_on_their_page(client, admin):
    client.force_login(admin)
    data = {"mode": "manual", "days": "5", "sell_unshipped": "on"}
    assert client.post(reverse("inventory:reservation_settings"), data).status_code == 302
    latest = entries_of(client.get(reverse("history:settings")))[0]
    assert latest.user == admin
    assert changes_of(latest) == {
        "Reserve products": ("on adding the product to a deal", "manually"),
        "Reservation period, days": ("3", "5"),
    }


def test_a_roles_grants_and_members_in_the_admin_history(client, admin):
    warehouse = WarehouseFactory(name="Gudang Alpha")
    member = UserFactory(username="ani", first_name="Ani", last_name="Wijaya")
    role = Group.objects.create(name="Auditors")
    with acting(admin, source="web"):
        save_role_grants(
            role,
            by=admin,
            global_perms=[VIEW_REPORTS],
            per_warehouse={"inventory.view_warehouse": [warehouse]},
            members=[member],
        )
        save_role_grants(role, by=admin, global_perms=[], per_warehouse={}, members=[])
    client.force_login(admin)
    listed = entries_of(client.get(reverse("admin:accounts_role_history", args=[role.pk])))
    seen = {(e.action, e.subject) for e in listed}
    assert {
        ("Granted", "Inventory area: View reports"),
        ("Revoked", "Inventory area: View reports"),
        ("Granted", "Warehouses: View and select warehouses (on Gudang Alpha)"),
        ("Revoked", "Warehouses: View and select warehouses (on Gudang Alpha)"),
        ("Member added", "Ani Wijaya"),
        ("Member removed", "Ani Wijaya"),
    } <= seen
    assert all(e.user == admin for e in listed if e.subject)


def test_form_layouts_and_custom_fields(client, admin):
    with acting(admin, source="web"):
        add_custom_field(
            by=admin, key="product", data=CustomFieldInput(key="origin", label_en="Origin", field_type=FieldType.TEXT)
        )
        update_custom_field(
            by=admin,
            key="product",
            field_key="origin",
            data=CustomFieldInput(key="origin", label_en="Region", field_type=FieldType.TEXT),
        )
    client.force_login(admin)
    listed = entries_of(client.get(reverse("history:layout_field", args=["product", "origin"])))
    assert [e.action for e in listed] == ["Changed", "Created"]
    assert listed[0].subject == "Field “Region”"
    assert changes_of(listed[0]) == {"Label (English)": ("Origin", "Region")}
    layout = FormLayout.objects.get(key="product")
    assert entries_of(client.get(reverse("history:layout", args=["product"])))[0].subject == "Field “Region”"
    assert client.get(reverse("admin:layouts_formlayout_history", args=[layout.pk])).status_code == 200


def test_custom_values_are_shown_by_their_labels(client, admin):
    add_custom_field(
        by=admin, key="product", data=CustomFieldInput(key="origin", label_en="Origin", field_type=FieldType.TEXT)
    )
    product = ProductFactory(custom={"origin": "Aceh"})
    Product.objects.filter(pk=product.pk).update(custom={"origin": "Toraja"})
    client.force_login(admin)
    latest = entries_of(client.get(reverse("history:product", args=[product.pk])))[0]
    assert changes_of(latest) == {"Origin": ("Aceh", "Toraja")}


def test_a_deleted_minimum_level_is_listed(client, admin):
    warehouse, product = WarehouseFactory(name="Gudang Alpha"), ProductFactory()
    minimum = MinimumStock.objects.create(product=product, warehouse=warehouse, quantity=3)
    minimum.delete()
    client.force_login(admin)
    listed = entries_of(client.get(reverse("history:warehouse", args=[warehouse.pk])))
    assert [(e.action, e.subject) for e in listed if e.subject][0] == ("Deleted", f"Minimum stock level · {product}")


def test_every_connection_defines_the_trigger_ignore_setting():
    """Undefined, the triggers' read of `pgtrigger.ignore` raises and catches an error per row
    (a bulk insert many times slower): config.database defines it on every connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        assert cursor.fetchone()[0] == "{}"


def test_the_db_workers_costing_change_is_attributed_to_who_asked_for_it(client, admin):
    recompute = change_costing_method(by=admin, method=CostingMethod.AVERAGE)
    recompute_costs.call(recompute.pk)  # what the db worker runs
    client.force_login(admin)
    latest = entries_of(client.get(reverse("history:settings")))[0]
    assert latest.user == admin and latest.source == "worker"
    assert changes_of(latest) == {"Costing method": (str(CostingMethod.FIFO.label), str(CostingMethod.AVERAGE.label))}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_actor_is_set_for_the_session_and_cleared_after():
    """As in production, where a request or task starts in autocommit: the context is set once
    on the connection, holds in the transactions inside, and is gone when the context ends."""
    user, product = UserFactory(), ProductFactory()
    with acting(user, source="worker"):
        Product.objects.filter(pk=product.pk).update(name="Autocommit")
        with transaction.atomic():
            Product.objects.filter(pk=product.pk).update(name="In a transaction")
    Product.objects.filter(pk=product.pk).update(name="After")
    contexts = [
        (e.name, (e.pgh_context or {}).get("user"))
        for e in ProductEvent.objects.filter(pgh_obj_id=product.pk, pgh_label="update").order_by("pgh_id")
    ]
    assert contexts == [("Autocommit", user.pk), ("In a transaction", user.pk), ("After", None)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pghistory.context_metadata', true)")
        assert cursor.fetchone()[0] == ""
