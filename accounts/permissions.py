"""The one question every view and service asks: may this user do this, here?

A right from `accounts.catalogue` is held either globally (for all warehouses, through the
user's roles or own permissions) or, for rights marked `per_warehouse`, on chosen warehouses
(django-guardian object permissions of the user or of one of the user's roles).

The chosen-warehouse grants of a user are read once (one query) and kept on the user object,
as Django keeps its permission cache there: a request asks as often as it likes for free.
"""

from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.catalogue import right
from accounts.models import WarehouseGroupPermission, WarehouseUserPermission
from inventory.models import StockDocument, Warehouse

GRANTS_CACHE = "_gudang_warehouse_grants"

# The acting user every permission helper and service takes (`user`, `by`): what `request.user`
# is, so an anonymous visitor too (refused by `can()`). Gudang keeps Django's own user model.
Actor: TypeAlias = User | AnonymousUser


def warehouse_of(obj: Warehouse | StockDocument | None) -> list[Warehouse]:
    """The warehouses an object belongs to: a warehouse itself, or a document's (a transfer
    belongs to both of its warehouses)."""
    if obj is None:
        return []
    if isinstance(obj, Warehouse):
        return [obj]
    return [w for w in (obj.warehouse, obj.destination) if w is not None]


def _active(user: Actor) -> TypeGuard[User]:
    return bool(user and user.is_authenticated and user.is_active)


def _refused() -> PermissionDenied:
    return PermissionDenied(_("You do not have the right to do this."))


def acting_user(user: Actor) -> User:
    """The user a service records as the one who acts (`created_by`, `deleted_by`, …); an
    anonymous visitor is refused, as `require()` refuses them."""
    if not user.is_authenticated:
        raise _refused()
    return user


def warehouse_grants(user: User) -> dict[str, frozenset[int]]:
    """`app_label.codename` → ids of the warehouses the user holds it on by object permission
    (own or through a role); read once per user object."""
    grants = getattr(user, GRANTS_CACHE, None)
    if grants is None:
        own = WarehouseUserPermission.objects.filter(user=user)
        through_roles = WarehouseGroupPermission.objects.filter(group__user=user)
        fields = ("permission__content_type__app_label", "permission__codename", "content_object_id")
        found: dict[str, set[int]] = {}
        for query in (own, through_roles):
            query = query.annotate(app=F(fields[0]), code=F(fields[1]), warehouse=F(fields[2]))
            for app_label, codename, warehouse_id in query.values_list("app", "code", "warehouse"):
                found.setdefault(f"{app_label}.{codename}", set()).add(warehouse_id)
        grants = {name: frozenset(ids) for name, ids in found.items()}
        setattr(user, GRANTS_CACHE, grants)
    return grants


def can(user: Actor, perm: str, obj: Warehouse | StockDocument | None = None) -> bool:
    """True when `user` holds `perm` globally, or (for a per-warehouse right and an object)
    on every warehouse the object belongs to."""
    if not _active(user):
        return False
    if user.has_perm(perm):
        return True
    if obj is None or not right(perm).per_warehouse:
        return False
    warehouses = warehouse_of(obj)
    held = warehouse_grants(user).get(perm, frozenset())
    return bool(warehouses) and all(w.pk in held for w in warehouses)


def can_somewhere(user: Actor, perm: str) -> bool:
    """True when `user` holds `perm` globally or on at least one warehouse: whether a page
    or menu entry of that right is theirs at all."""
    if not _active(user):
        return False
    return user.has_perm(perm) or (right(perm).per_warehouse and bool(warehouse_grants(user).get(perm)))


def require(user: Actor, perm: str, obj: Warehouse | StockDocument | None = None) -> None:
    """Raise `PermissionDenied` unless `can(user, perm, obj)`."""
    if not can(user, perm, obj):
        raise _refused()


def require_somewhere(user: Actor, perm: str) -> None:
    """Raise `PermissionDenied` unless `can_somewhere(user, perm)`."""
    if not can_somewhere(user, perm):
        raise PermissionDenied(_("You do not have the right to open this page."))


def warehouses_for(user: Actor, perm: str) -> QuerySet[Warehouse]:
    """The warehouses on which `user` holds `perm`: all of them with the global permission,
    otherwise those granted to the user or a role of the user (no per-row checks; usable as
    a subquery)."""
    if not _active(user):
        return Warehouse.objects.none()
    if user.has_perm(perm):
        return Warehouse.objects.all()
    if not right(perm).per_warehouse:
        return Warehouse.objects.none()
    return Warehouse.objects.filter(pk__in=sorted(warehouse_grants(user).get(perm, ())))


def warehouse_scope(user: Actor, perm: str) -> frozenset[int] | None:
    """For read queries: None when `user` holds `perm` for all warehouses (no filter needed),
    else the ids of the warehouses they hold it on (possibly none)."""
    if not _active(user):
        return frozenset()
    if user.has_perm(perm):
        return None
    if not right(perm).per_warehouse:
        return frozenset()
    return warehouse_grants(user).get(perm, frozenset())
