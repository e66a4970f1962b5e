"""Warehouses: create, edit, deactivate, delete.

Exactly one warehouse is the default once any exists. Every change of the default happens
under one transaction-scoped advisory lock, so two clerks making two warehouses default at the
same time (or creating the first two warehouses at once) queue instead of colliding on the
`one_default_warehouse` constraint; the current default row is locked too.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts.catalogue import MANAGE_WAREHOUSES
from accounts.permissions import Actor, require
from inventory.models import StockBalance, StockDocument, StockMove, Warehouse
from inventory.validation import field_errors
from layouts.services import set_custom

# Any fixed number: the key of the advisory lock that serializes changes of the default warehouse.
DEFAULT_WAREHOUSE_LOCK = 4_725_001


@dataclass(frozen=True)
class WarehouseInput:
    """What a warehouse form sets; `custom` None keeps the stored custom values."""

    name: str
    code: str
    address: str = ""
    responsible: User | None = None
    is_active: bool = True
    is_default: bool = False
    custom: dict | None = None


@transaction.atomic
def create_warehouse(*, by: Actor, data: WarehouseInput) -> Warehouse:
    """Create a warehouse (needs "Create, edit and delete warehouses" for all warehouses).
    The first warehouse becomes the default; making a new one the default takes the flag from
    the previous default."""
    require(by, MANAGE_WAREHOUSES)
    _lock_default()
    warehouse = Warehouse()
    _set(warehouse, data)
    if not Warehouse.objects.exists():
        warehouse.is_default = True
    _validate(warehouse)
    if warehouse.is_default:
        _clear_default(except_pk=None)
    warehouse.save()
    return warehouse


@transaction.atomic
def update_warehouse(warehouse: Warehouse, *, by: Actor, data: WarehouseInput) -> Warehouse:
    """Change a warehouse (needs the warehouse right on it; choosing the default, which concerns
    every warehouse, needs it for all). The default stays the default until another warehouse
    is made the default, and cannot be deactivated."""
    require(by, MANAGE_WAREHOUSES, warehouse)
    _lock_default()
    current = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    if data.is_default != current.is_default:
        require(by, MANAGE_WAREHOUSES)
    if current.is_default and not data.is_default:
        raise ValidationError(
            {"is_default": _("There must be a default warehouse: make another warehouse the default instead.")}
        )
    _set(current, data)
    _validate(current)
    if current.is_default:
        _clear_default(except_pk=current.pk)
    current.save()
    return current


def _set(warehouse: Warehouse, data: WarehouseInput) -> None:
    warehouse.name = (data.name or "").strip()
    warehouse.code = (data.code or "").strip()
    warehouse.address = (data.address or "").strip()
    warehouse.responsible = data.responsible
    warehouse.is_active = bool(data.is_active)
    warehouse.is_default = bool(data.is_default)
    set_custom(warehouse, data.custom, form="warehouse")


@transaction.atomic
def deactivate_warehouse(warehouse: Warehouse, *, by: Actor) -> Warehouse:
    """Mark a warehouse inactive: it can no longer be chosen in new documents. Refused for the
    default warehouse."""
    require(by, MANAGE_WAREHOUSES, warehouse)
    _lock_default()
    current = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    if current.is_default:
        raise ValidationError(
            {"is_active": _("“%(name)s” is the default warehouse; choose another default first.") % _names(current)}
        )
    if current.is_active:
        current.is_active = False
        current.save(update_fields=["is_active"])
    return current


@transaction.atomic
def delete_warehouse(warehouse: Warehouse, *, by: Actor) -> None:
    """Delete a warehouse that was never used. One with stock movements or documents is
    refused (deactivate it instead); the default only when it is the last warehouse."""
    require(by, MANAGE_WAREHOUSES, warehouse)
    _lock_default()
    current = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    used = (
        StockMove.objects.filter(warehouse=current).exists()
        or StockDocument.objects.filter(warehouse=current).exists()
        or StockDocument.objects.filter(destination=current).exists()
        or StockBalance.objects.filter(warehouse=current).exists()
    )
    if used:
        raise ValidationError(
            _("“%(name)s” has stock movements or documents, so it cannot be deleted; deactivate it instead.")
            % _names(current)
        )
    if current.is_default and Warehouse.objects.exclude(pk=current.pk).exists():
        raise ValidationError(_("“%(name)s” is the default warehouse; choose another default first.") % _names(current))
    current.delete()


def _lock_default() -> None:
    """Serialize every change of the default warehouse until the transaction ends (a FOR
    UPDATE on the current default would lock nothing while no warehouse exists yet)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEFAULT_WAREHOUSE_LOCK])


def _clear_default(*, except_pk: int | None) -> None:
    previous = list(Warehouse.objects.select_for_update().filter(is_default=True).exclude(pk=except_pk or 0))
    if previous:
        Warehouse.objects.filter(pk__in=[w.pk for w in previous]).update(is_default=False)


def _validate(warehouse: Warehouse) -> None:
    errors = field_errors(
        warehouse,
        exclude=["responsible"],  # chosen from the active users
        messages={
            ("name", "blank"): _("Enter the warehouse's name."),
            ("code", "blank"): _("Enter a short code, such as JKT-1."),
        },
    )
    if "code" not in errors:
        taken = Warehouse.objects.filter(code__iexact=warehouse.code).exclude(pk=warehouse.pk or 0).exists()
        if taken:  # the other warehouse is not named: the user may not see it
            errors["code"] = [_("The code %(code)s is already used by another warehouse.") % {"code": warehouse.code}]
    if warehouse.is_default and not warehouse.is_active:
        errors.setdefault("is_active", []).append(
            _("The default warehouse must be active; make another warehouse the default first.")
        )
    if errors:
        raise ValidationError(errors)


def _names(warehouse: Warehouse) -> dict[str, str]:
    return {"name": warehouse.name, "code": warehouse.code}
