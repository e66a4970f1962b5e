"""Whose warehouses a notification may name: those the user sees in the inventory."""

from accounts.catalogue import VIEW_INVENTORY, VIEW_WAREHOUSE
from accounts.permissions import Actor, can, warehouse_scope
from inventory.models import Warehouse


def notification_scope(user: Actor) -> frozenset[int] | None:
    """The warehouses whose notifications `user` is shown and sent (None: all): those they
    see in the inventory area. The list, the bell and the e-mails filter by it."""
    if not can(user, VIEW_INVENTORY):
        return frozenset()
    return warehouse_scope(user, VIEW_WAREHOUSE)


def sees_warehouse(user: Actor, warehouse: Warehouse) -> bool:
    """Whether a notification about `warehouse` may go to `user`."""
    return can(user, VIEW_INVENTORY) and can(user, VIEW_WAREHOUSE, warehouse)
