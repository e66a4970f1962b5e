"""The default roles of PRODUCT.md's access table, created on migrate."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.catalogue import DEFAULT_ROLES


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
