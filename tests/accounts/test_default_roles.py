"""The three default roles hold exactly the grants of PRODUCT.md's access table, and
migrating again never overwrites an administrator's edits."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.catalogue import ADMINISTRATOR, CLERK, RIGHTS, STAFF
from accounts.roles import ensure_default_roles

pytestmark = pytest.mark.django_db

TYPES = ("receipt", "adjustment", "transfer", "write_off", "sales_order", "stock_count", "return")
ACTIONS = ("view", "edit", "process", "cancel", "delete")

# PRODUCT.md's table, row by row: which roles hold each right (A = administrator, S = staff,
# C = clerk). Written out here by hand so that a slip in accounts.catalogue shows up.
TABLE = {
    "inventory.view_inventory": "ASC",
    "inventory.manage_warehouses": "AC",
    "inventory.view_warehouse": "ASC",
    "inventory.view_reports": "AS",
    **{f"inventory.view_{t}": "ASC" for t in TYPES},
    **{f"inventory.edit_{t}": "ASC" for t in TYPES},
    **{f"inventory.process_{t}": "AC" for t in TYPES if t != "write_off"},
    "inventory.process_write_off": "ASC",
    **{f"inventory.cancel_{t}": "A" for t in TYPES},
    **{f"inventory.delete_{t}": "A" for t in TYPES},
    **{f"inventory.allow_negative_{t}": "A" for t in ("write_off", "transfer", "sales_order")},
    "inventory.update_delivery_status": "AC",
    "inventory.reserve_in_deals": "AS",
    "inventory.reserve_in_warehouse": "AS",
    "inventory.change_reservation_settings": "A",
    "inventory.view_product": "ASC",
    "inventory.add_product": "AC",
    "inventory.change_product": "A",
    "inventory.delete_product": "A",
    "inventory.view_purchase_price": "AC",
    "inventory.change_selling_price": "A",
    "crm.change_deal_prices": "AS",
    "crm.use_crm": "AS",
    "inventory.manage_inventory_settings": "A",
    "inventory.change_form_layouts": "A",
    "crm.change_crm_form_layouts": "A",
    "accounts.manage_roles": "A",
    "accounts.view_change_history": "A",
}
ROLES = {"A": ADMINISTRATOR, "S": STAFF, "C": CLERK}


def grants(role_name: str) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=role_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_table_covers_the_whole_catalogue():
    assert set(TABLE) == {r.name for r in RIGHTS}


@pytest.mark.parametrize("letter", "ASC")
def test_each_default_role_holds_exactly_its_column(letter):
    expected = {name for name, holders in TABLE.items() if letter in holders}
    assert grants(ROLES[letter]) == expected


def test_every_right_exists_as_a_permission():
    for r in RIGHTS:
        assert Permission.objects.filter(content_type__app_label=r.app_label, codename=r.codename).exists(), r.name


def test_migrating_again_keeps_an_administrators_edits():
    clerk = Group.objects.get(name=CLERK)
    clerk.permissions.remove(Permission.objects.get(codename="process_write_off"))
    Group.objects.get(name=STAFF).delete()
    call_command("migrate", verbosity=0)
    ensure_default_roles()
    assert "inventory.process_write_off" not in grants(CLERK)
    assert "inventory.process_receipt" in grants(CLERK)
    # A role someone deleted comes back with the table's grants.
    assert grants(STAFF) == {name for name, holders in TABLE.items() if "S" in holders}
