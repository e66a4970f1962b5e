"""The change history's event tables (django-pghistory): one per tracked model, declared here
against the other apps' models, so that their apps keep their own migrations. Each insert,
update and delete of a tracked row is copied by a trigger into its event table, with the
context (who, from where) that `history.services` set. The ledger is the history of stock and
is not tracked (nor are balances); of the stock levels only the minimum levels are.

The triggers are installed by django-pgtrigger after every `migrate` (PGTRIGGER_INSTALL_ON_MIGRATE):
they belong to tables of other apps and of Django's auth, whose migrations are not ours."""

import pghistory
from django.contrib.auth.models import Group, User

from accounts.models import WarehouseGroupPermission
from inventory.models import InventorySettings, MinimumStock, Product, Warehouse
from layouts.models import LayoutField


def _events(model, *, updates: bool = True, exclude: tuple[str, ...] = ()):
    """The abstract base of `model`'s event table: a row per insert, update (of a tracked
    field) and delete, with the context as JSON on the row."""
    trackers = [pghistory.InsertEvent(), pghistory.DeleteEvent()]
    if updates:
        trackers.insert(1, pghistory.UpdateEvent())
    return pghistory.create_event_model(
        model,
        *trackers,
        exclude=list(exclude),
        app_label="history",
        context_field=pghistory.ContextJSONField(),
        obj_field=pghistory.ObjForeignKey(related_name="+"),
    )


class ProductEvent(_events(Product, exclude=("created_at",))):  # type: ignore[misc]
    pass


class MinimumStockEvent(_events(MinimumStock)):  # type: ignore[misc]
    pass


class WarehouseEvent(_events(Warehouse)):  # type: ignore[misc]
    pass


class InventorySettingsEvent(_events(InventorySettings)):  # type: ignore[misc]
    pass


class RoleEvent(_events(Group)):  # type: ignore[misc]
    pass


class RolePermissionEvent(_events(Group.permissions.through, updates=False)):  # type: ignore[misc]
    """A right granted to a role for all warehouses (a row of auth_group_permissions)."""


class RoleWarehousePermissionEvent(_events(WarehouseGroupPermission, updates=False)):  # type: ignore[misc]
    """A right granted to a role on a chosen warehouse."""


class RoleMemberEvent(_events(User.groups.through, updates=False)):  # type: ignore[misc]
    """A user added to or removed from a role."""


class LayoutFieldEvent(_events(LayoutField)):  # type: ignore[misc]
    """A field of a form layout: its place, visibility and labels, and a custom field's definition."""
