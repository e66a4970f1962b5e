"""Reservations: stock held for a deal's product row, so nobody else sells it, until a date.

Every change happens under the lock of the balance it draws on (the same lock processing
takes), so a reservation never exceeds what is available, however many clerks and deals race
for the same stock. Availability is on hand − reservations that count (active, not expired).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from inventory.errors import InsufficientStock, Shortage
from inventory.locks import LockedBalance, load_reserved, lock_balances
from inventory.models import InventorySettings, Reservation, ReservationStatus, Warehouse
from inventory.models.settings import ReservationMode

RESERVE_IN_DEALS = "inventory.reserve_in_deals"
RESERVE_IN_WAREHOUSE = "inventory.reserve_in_warehouse"


def row_warehouse(row) -> Warehouse:
    """The warehouse a deal row ships from: its own, else the default warehouse."""
    if row.warehouse_id:
        return row.warehouse
    warehouse = Warehouse.objects.filter(is_default=True, is_active=True).first()
    if warehouse is None:
        raise ValidationError(_("There is no active default warehouse; choose the row's warehouse."))
    return warehouse


def default_until() -> datetime:
    """Now plus the reservation period of the settings."""
    return timezone.now() + timedelta(days=InventorySettings.load().reservation_days)


def _check_rights(by, warehouse) -> None:
    require(by, RESERVE_IN_DEALS)
    require(by, RESERVE_IN_WAREHOUSE, warehouse)


def _locked_balance(warehouse_id: int, product_id: int) -> LockedBalance:
    """The balance locked, with what counting reservations hold of it read after the lock."""
    key = (warehouse_id, product_id)
    balances = lock_balances([key])
    load_reserved(balances, [key])
    return balances[key]


def _lock_for(row, warehouse) -> tuple[Reservation | None, Decimal]:
    """Lock the balance the row draws on; return the row's active reservation and what is
    available to it (the row's own reservation there is about to be replaced, so it counts as
    available)."""
    balance = _locked_balance(warehouse.pk, row.product_id)
    current = _active(row)
    own = _counts(current) if current and current.warehouse_id == warehouse.pk else Decimal(0)
    return current, balance.available + own


def _store(row, warehouse, current: Reservation | None, quantity: Decimal, until: datetime, *, by) -> Reservation:
    if current is not None:
        current.warehouse, current.quantity, current.reserved_until = warehouse, quantity, until
        current.save(update_fields=["warehouse", "quantity", "reserved_until"])
        return current
    return Reservation.objects.create(
        warehouse=warehouse,
        product_id=row.product_id,
        quantity=quantity,
        reserved_until=until,
        deal_row=row,
        deal_id=row.deal_id,
        created_by=by,
    )


def _active(row) -> Reservation | None:
    return Reservation.objects.select_for_update().filter(deal_row=row, status=ReservationStatus.ACTIVE).first()


def _counts(reservation: Reservation | None) -> Decimal:
    if reservation is None or reservation.reserved_until <= timezone.now():
        return Decimal(0)
    return reservation.quantity


@transaction.atomic
def reserve_row(row, *, by, quantity: Decimal | None = None, until: datetime | None = None) -> Reservation:
    """Reserve `quantity` (default: the row's quantity) of the row's product in its warehouse
    until `until` (default: now + the reservation period), replacing the row's reservation.
    More than the row's quantity is refused (`ValidationError`); more than is available raises
    `InsufficientStock` naming product, warehouse, asked and available."""
    warehouse = row_warehouse(row)
    _check_rights(by, warehouse)
    quantity = row.quantity if quantity is None else quantity
    until = until or default_until()
    if quantity <= 0:
        raise ValidationError({"quantity": _("Reserve a quantity greater than zero.")})
    if quantity > row.quantity:
        raise ValidationError(
            {"quantity": _("A row can reserve at most its own quantity (%(quantity)s).") % {"quantity": row.quantity}}
        )
    if until <= timezone.now():
        raise ValidationError({"reserved_until": _("“Reserved until” must be in the future.")})
    current, available = _lock_for(row, warehouse)
    if quantity > available:
        raise InsufficientStock(
            [Shortage(product=row.product, warehouse=warehouse, asked=quantity, available=max(available, Decimal(0)))]
        )
    return _store(row, warehouse, current, quantity, until, by=by)


@transaction.atomic
def reserve_available(row, *, by) -> Reservation | None:
    """What "reserve on adding the product" does: reserve as much of the row's quantity as is
    available (nothing when none is); the user sees the reserved quantity beside the row."""
    warehouse = row_warehouse(row)
    _check_rights(by, warehouse)
    current, available = _lock_for(row, warehouse)
    quantity = min(row.quantity, available)
    if quantity <= 0:
        if current is not None:
            _end(current, ReservationStatus.RELEASED)
        return None
    # A reservation still running keeps its end; a new (or expired) one gets the full period.
    until = current.reserved_until if _counts(current) else default_until()
    return _store(row, warehouse, current, quantity, until, by=by)


@transaction.atomic
def sync_row_reservation(row, *, by) -> Reservation | None:
    """After a row changed: a reservation larger than the row shrinks to it; one in another
    warehouse than the row's is released. In the "on adding" mode the row is then reserved
    up to what is available."""
    current = _active(row)
    if current is not None:
        if current.warehouse_id != row_warehouse(row).pk:
            _end(current, ReservationStatus.RELEASED)
            current = None
        elif current.quantity > row.quantity:
            current.quantity = row.quantity
            current.save(update_fields=["quantity"])
    if InventorySettings.load().reservation_mode == ReservationMode.ON_ADD:
        return reserve_available(row, by=by)
    return current


@transaction.atomic
def set_reserved_until(reservation: Reservation, *, by, until: datetime) -> Reservation:
    """Move a reservation's end; it must lie in the future."""
    _check_rights(by, reservation.warehouse)
    if until <= timezone.now():
        raise ValidationError({"reserved_until": _("“Reserved until” must be in the future.")})
    current = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if current.status != ReservationStatus.ACTIVE:
        raise ValidationError(_("This reservation has ended."))
    current.reserved_until = until
    current.save(update_fields=["reserved_until"])
    return current


@transaction.atomic
def release_row(row, *, by) -> None:
    """End the row's reservation (the row is deleted or the user lets the stock go)."""
    current = _active(row)
    if current is not None:
        _check_rights(by, current.warehouse)
        _end(current, ReservationStatus.RELEASED)


def release_deal(deal, *, by) -> int:
    """End every reservation of a deal (a lost deal); returns how many."""
    return Reservation.objects.filter(deal=deal, status=ReservationStatus.ACTIVE).update(
        status=ReservationStatus.RELEASED, ended_at=timezone.now()
    )


def release_expired() -> int:
    """Mark every reservation whose time is up as released; returns how many. They already
    stopped counting when they expired: this only tidies their status."""
    return Reservation.objects.filter(status=ReservationStatus.ACTIVE, reserved_until__lte=timezone.now()).update(
        status=ReservationStatus.RELEASED, ended_at=timezone.now()
    )


def _end(reservation: Reservation, status: str) -> None:
    reservation.status, reservation.ended_at = status, timezone.now()
    reservation.save(update_fields=["status", "ended_at"])
