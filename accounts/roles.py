"""Roles: the default ones of the catalogue (created on migrate), and the services
the role editor calls to read, save and delete a role's grants."""

from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.catalogue import BY_NAME, DEFAULT_ROLES, MANAGE_ROLES

if TYPE_CHECKING:  # at run time the services below import accounts.permissions where they use it
    from accounts.permissions import Actor


def permissions_named(names) -> list[Permission]:
    """The `Permission` rows of `app_label.codename` names; every name must exist."""
    names = set(names)
    query = Q()
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type")) if names else []
    missing = names - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"permissions missing from the database: {sorted(missing)}")
    return found


def ensure_default_roles(*, using: str = "default", **kwargs) -> None:
    """Create each default role that does not exist yet, with its grants for all warehouses.
    A role that exists is left as the administrators made it: migrating never overwrites it."""
    for label in ("inventory", "crm", "accounts"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for name, rights in DEFAULT_ROLES.items():
        role, created = Group.objects.using(using).get_or_create(name=name)
        if created:
            role.permissions.set(permissions_named(rights))


def grant_on_warehouses(role: Group, rights, warehouses) -> None:
    """Give `role` each of the per-warehouse `rights` on each of `warehouses` (django-guardian
    object permissions): the "chosen warehouses" form of a grant."""
    from accounts.models import WarehouseGroupPermission

    WarehouseGroupPermission.objects.bulk_create(
        [
            WarehouseGroupPermission(group=role, permission=permission, content_object=warehouse)
            for permission in permissions_named(rights)
            for warehouse in warehouses
        ],
        ignore_conflicts=True,
    )


# -- the role editor -----------------------------------------------------------------------------


def role_grants(role: Group) -> tuple[set[str], dict[str, set[int]]]:
    """What `role` holds of the catalogue: the names granted for all warehouses, and for each
    per-warehouse right granted on chosen warehouses, their ids (two queries)."""
    from accounts.models import WarehouseGroupPermission

    if role.pk is None:
        return set(), {}
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in role.permissions.values_list("content_type__app_label", "codename")
    }
    chosen: dict[str, set[int]] = {}
    rows = WarehouseGroupPermission.objects.filter(group=role).values_list(
        "permission__content_type__app_label", "permission__codename", "content_object_id"
    )
    for app_label, codename, warehouse_id in rows:
        name = f"{app_label}.{codename}"
        if name in BY_NAME:
            chosen.setdefault(name, set()).add(warehouse_id)
    return held & set(BY_NAME), chosen


def check_administrators_remain(*, role: Group, keeps_right: bool, member_ids=None) -> None:
    """Raise `ValidationError` when changing `role` so (holding `MANAGE_ROLES` or not;
    `member_ids` its new members, None: unchanged) would take the right away from the last
    active user who holds it: through a role, through their own permissions, or as a superuser.
    A role that does not hold the right now cannot take it from anyone: no check."""

    (permission,) = permissions_named([MANAGE_ROLES])
    if role.pk is None or not role.permissions.filter(pk=permission.pk).exists():
        return
    others = Group.objects.filter(permissions=permission).exclude(pk=role.pk)
    holders = Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__in=others)
    if keeps_right:
        holders |= Q(groups=role) if member_ids is None else Q(pk__in=list(member_ids))
    if not get_user_model().objects.filter(holders, is_active=True).exists():
        raise ValidationError(
            _(
                "At least one active user must keep the right “%(right)s”: this change would "
                "leave nobody who can manage roles."
            ),
            code="last_administrator",
            params={"right": _("Employee access settings")},
        )


def _lock_role_administration(role: Group) -> None:
    """Lock `role` (when saved) and every role holding `MANAGE_ROLES`, in one query
    ordered by id and before writing any of them, so that two concurrent edits neither remove
    each other's last administrator nor deadlock."""
    (permission,) = permissions_named([MANAGE_ROLES])
    query = Q(permissions=permission) if role.pk is None else Q(permissions=permission) | Q(pk=role.pk)
    list(Group.objects.filter(query).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))


def _warehouse_ids(warehouses) -> set[int]:
    try:
        return {int(getattr(w, "pk", w)) for w in warehouses}
    except (TypeError, ValueError) as error:
        names = ", ".join(str(w) for w in warehouses)
        raise ValidationError(_("Unknown warehouses: %(ids)s"), params={"ids": names}) from error


@transaction.atomic
def save_role_grants(role: Group, *, by: "Actor", global_perms, per_warehouse, members=None) -> None:
    """Save `role` (new or not) with exactly these catalogue grants, in one transaction; `by`
    needs "Employee access settings" (`MANAGE_ROLES`).

    `global_perms`: names (`app_label.codename`) granted for all warehouses; `per_warehouse`:
    name → warehouses (objects or ids) for rights granted on chosen warehouses only (an empty
    list: not granted); `members`: the users in the role (None leaves them as they are).
    Permissions outside the catalogue are kept. Raises `ValidationError`, changing nothing,
    for an unknown right or warehouse, a right granted both ways, or a change that would leave
    no active user who may manage roles."""

    from accounts.models import WarehouseGroupPermission
    from accounts.permissions import require
    from inventory.models import Warehouse

    require(by, MANAGE_ROLES)
    global_perms = set(global_perms)
    chosen = {name: _warehouse_ids(ws) for name, ws in per_warehouse.items() if ws}
    unknown = (global_perms | set(chosen)) - set(BY_NAME)
    if unknown:
        raise ValidationError(_("Unknown rights: %(names)s"), params={"names": ", ".join(sorted(unknown))})
    not_per_warehouse = sorted(name for name in chosen if not BY_NAME[name].per_warehouse)
    if not_per_warehouse:
        raise ValidationError(
            _("These rights cannot be granted per warehouse: %(names)s"), params={"names": ", ".join(not_per_warehouse)}
        )
    both = sorted(global_perms & set(chosen))
    if both:
        raise ValidationError(
            _("Granted both for all and for chosen warehouses: %(names)s"), params={"names": ", ".join(both)}
        )
    wanted_ids = set().union(*chosen.values())
    found = set(Warehouse.objects.filter(pk__in=wanted_ids).values_list("pk", flat=True))
    if wanted_ids - found:
        missing = ", ".join(str(pk) for pk in sorted(wanted_ids - found))
        raise ValidationError(_("Unknown warehouses: %(ids)s"), params={"ids": missing})
    member_ids = None if members is None else {getattr(u, "pk", u) for u in members}

    _lock_role_administration(role)
    role.save()
    check_administrators_remain(role=role, keeps_right=MANAGE_ROLES in global_perms, member_ids=member_ids)

    catalogue = {f"{p.content_type.app_label}.{p.codename}": p for p in permissions_named(BY_NAME)}
    held = {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type")}
    role.permissions.remove(*(catalogue[name] for name in (held & set(catalogue)) - global_perms))
    role.permissions.add(*(catalogue[name] for name in global_perms - held))

    wanted = {(catalogue[name].pk, warehouse_id) for name, ids in chosen.items() for warehouse_id in ids}
    existing = list(
        WarehouseGroupPermission.objects.filter(
            group=role, permission__in=[p.pk for p in catalogue.values()]
        ).values_list("pk", "permission_id", "content_object_id")
    )
    stale = [pk for pk, permission_id, warehouse_id in existing if (permission_id, warehouse_id) not in wanted]
    present = {(permission_id, warehouse_id) for _pk, permission_id, warehouse_id in existing}
    if stale:
        WarehouseGroupPermission.objects.filter(pk__in=stale).delete()
    WarehouseGroupPermission.objects.bulk_create(
        [
            WarehouseGroupPermission(group=role, permission_id=permission_id, content_object_id=warehouse_id)
            for permission_id, warehouse_id in sorted(wanted - present)
        ]
    )
    if member_ids is not None:
        role.user_set.set(member_ids)


@transaction.atomic
def delete_role(role: Group, *, by: "Actor") -> None:
    """Delete `role` and its grants (`by` needs "Employee access settings"); raises
    `ValidationError` (deleting nothing) when that would leave no active user who may manage
    roles."""
    from accounts.permissions import require

    require(by, MANAGE_ROLES)
    _lock_role_administration(role)
    check_administrators_remain(role=role, keeps_right=False)
    role.delete()
