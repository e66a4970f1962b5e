"""The one question every view and service asks: may this user do this, here?

A right from `accounts.catalogue` is held either globally (for all warehouses, through the
user's roles or own permissions) or, for rights marked `per_warehouse`, on chosen warehouses
(django-guardian object permissions of the user or of one of the user's roles).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from accounts.catalogue import right
from inventory.models import Warehouse


def warehouse_of(obj):
    """The warehouses an object belongs to: a warehouse itself, or a document's (a transfer
    belongs to both of its warehouses)."""
    if obj is None:
        return []
    if isinstance(obj, Warehouse):
        return [obj]
    return [w for w in (obj.warehouse, getattr(obj, "destination", None)) if w is not None]


def can(user, perm: str, obj=None) -> bool:
    """True when `user` holds `perm` globally, or (for a per-warehouse right and an object)
    on every warehouse the object belongs to."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.has_perm(perm):
        return True
    if obj is None or not right(perm).per_warehouse:
        return False
    warehouses = warehouse_of(obj)
    return bool(warehouses) and all(user.has_perm(perm, w) for w in warehouses)


def require(user, perm: str, obj=None) -> None:
    """Raise `PermissionDenied` unless `can(user, perm, obj)`."""
    if not can(user, perm, obj):
        raise PermissionDenied(_("You do not have the right to do this."))


def warehouses_for(user, perm: str) -> QuerySet[Warehouse]:
    """The warehouses on which `user` holds `perm`: all of them with the global permission,
    otherwise those granted to the user or a role of the user (one query, no per-row checks)."""
    if not (user and user.is_authenticated and user.is_active):
        return Warehouse.objects.none()
    if user.has_perm(perm):
        return Warehouse.objects.all()
    if not right(perm).per_warehouse:
        return Warehouse.objects.none()
    return get_objects_for_user(user, perm, klass=Warehouse, accept_global_perms=False, with_superuser=False)
