"""The change history's event tables (django-pghistory): one per tracked model, declared here
against the other apps' models, so that their apps keep their own migrations. Each insert,
update and delete of a tracked row is copied by a trigger into its event table, with the
context (who, from where) that `history.services` set. The ledger is the history of stock and
is not tracked (nor are balances); of the stock levels only the minimum levels are.

The triggers are installed by django-pgtrigger after every `migrate` (PGTRIGGER_INSTALL_ON_MIGRATE):
they belong to tables of other apps and of Django's auth, whose migrations are not ours."""

import pghistory
from django.contrib.auth.models import Group, User
from django.db import models

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


_product_shown = pghistory.create_event_model(
    Product,
    pghistory.UpdateEvent(
        "shown_update",
        condition=pghistory.AnyChange(*(f.name for f in Product._meta.fields if f.name != "purchase_price")),
    ),
    fields=["id"],
    app_label="history",
    context_field=None,  # type: ignore[arg-type]  # no context, no foreign key: only the id
    obj_field=None,  # type: ignore[arg-type]
)


class ProductShownEvent(_product_shown):  # type: ignore[misc,valid-type]
    """An update of a product as the stock, document and deal pages show it: of anything but
    its purchase price (which a receipt sets, whatever its warehouse, and which those pages do
    not show). Not part of the change history: its last id is what the pages that update
    themselves read (`inventory.selectors.live`), one probe into its primary key. (A product
    is created or deleted before it is on one of those pages or after.)"""


class MinimumStockEvent(_events(MinimumStock)):  # type: ignore[misc]
    class Meta:
        # A warehouse's last minimum-level change, for the pages that update themselves
        # (`inventory.selectors.live`): one index probe per warehouse.
        indexes = [models.Index(fields=["warehouse", "-pgh_id"], name="minimum_event_changes")]


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
