"""Reservations: stock held for a deal's product row, so nobody else sells it, until a date.

Every service locks, in the order of `inventory.locks`, the row's deal (a won or lost deal's
rows and reservations cannot change: refused with a `ValidationError`), then the balance the
reservation draws on (the same lock processing takes), then the reservation; so a reservation
never exceeds what is available, however many clerks and deals race for the same stock. Each
runs under the bounded retry (`inventory.retry.retried`). What is available is on hand −
counting reservations (`inventory.models.reservations.counting`).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.catalogue import RESERVE_IN_DEALS, RESERVE_IN_WAREHOUSE
from accounts.permissions import Actor, acting_user, require
from crm.models import Deal, DealRow
from inventory.errors import InsufficientStock, Shortage
from inventory.locks import (
    LockedBalance,
    LockedReservation,
    load_reserved,
    lock_balances,
    lock_deal,
    lock_reservations,
)
from inventory.models import InventorySettings, Reservation, ReservationStatus, Warehouse
from inventory.models.quantities import is_number
from inventory.models.reservations import counting
from inventory.models.settings import ReservationMode
from inventory.retry import retried
from notifications.services.alerts import check_low_stock


def row_warehouse(row: DealRow) -> Warehouse:
    """The warehouse a deal row ships from: its own, else the default warehouse."""
    if row.warehouse is not None:  # no query when its foreign key is empty
        return row.warehouse
    warehouse = Warehouse.objects.filter(is_default=True, is_active=True).first()
    if warehouse is None:
        raise ValidationError(_("There is no active default warehouse; choose the row's warehouse."))
    return warehouse


def default_until() -> datetime:
    """Now plus the reservation period of the settings."""
    return timezone.now() + timedelta(days=InventorySettings.load().reservation_days)


def lock_open_deal(deal_id: int) -> Deal:
    """Lock the deal (`inventory.locks.lock_deal`) and return it; a won or lost one cannot
    change (`ValidationError`)."""
    deal = lock_deal(deal_id)
    if deal.stage.is_closed:
        raise ValidationError(
            _("The deal “%(title)s” is closed (%(stage)s); it cannot change.")
            % {"title": deal.title, "stage": _(deal.stage.name)}
        )
    return deal


def lock_open_row(row: DealRow) -> DealRow:
    """Lock the row's deal (`lock_open_deal`) and read the row afresh under that lock, with its
    product, warehouse and deal."""
    deal = lock_open_deal(row.deal_id)
    current = DealRow.objects.select_related("product", "warehouse").filter(pk=row.pk).first()
    if current is None:
        raise ValidationError(_("This product row has been removed from the deal meanwhile."))
    current.deal = deal
    return current


def _check_rights(by: Actor, warehouse: Warehouse) -> None:
    require(by, RESERVE_IN_DEALS)
    require(by, RESERVE_IN_WAREHOUSE, warehouse)


def _locked_balance(warehouse_id: int, product_id: int) -> LockedBalance:
    """The balance locked, with what counting reservations hold of it read after the lock."""
    key = (warehouse_id, product_id)
    balances = lock_balances([key])
    load_reserved(balances, [key])
    return balances[key]


def _active(row: DealRow) -> "LockedReservation | None":
    """The row's active reservation, locked (after its balance)."""
    return next(iter(lock_reservations(Q(deal_row_id=row.pk))), None)


def _available_to(current: "LockedReservation | None", balance: LockedBalance, warehouse: Warehouse) -> Decimal:
    """What the locked balance has available to a row whose reservation is `current`: the
    reservation is about to be replaced, so what it holds there counts as available."""
    own = current.quantity if current and current.is_counting and current.warehouse_id == warehouse.pk else 0
    return balance.available + own


def _store(
    row: DealRow, warehouse: Warehouse, current: Reservation | None, quantity: Decimal, until: datetime, *, by: Actor
) -> Reservation:
    if current is not None:
        before = (current.warehouse_id, current.product_id)
        current.warehouse, current.quantity, current.reserved_until = warehouse, quantity, until
        current.save(update_fields=["warehouse", "quantity", "reserved_until"])
        check_low_stock([before, (current.warehouse_id, current.product_id)])
        return current
    reservation = Reservation.objects.create(
        warehouse=warehouse,
        product_id=row.product_id,
        quantity=quantity,
        reserved_until=until,
        deal_row=row,
        deal_id=row.deal_id,
        created_by=acting_user(by),
    )
    check_low_stock([(reservation.warehouse_id, reservation.product_id)])
    return reservation


def _reserve_what_is_available(
    row: DealRow, warehouse: Warehouse, current: "LockedReservation | None", balance: LockedBalance, *, by: Actor
) -> Reservation | None:
    quantity = min(row.quantity, _available_to(current, balance, warehouse))
    if quantity <= 0:
        if current is not None:
            _end(current, ReservationStatus.RELEASED)
        return None
    # A reservation still running keeps its end; a new (or expired) one gets the full period.
    until = current.reserved_until if current and current.is_counting else default_until()
    return _store(row, warehouse, current, quantity, until, by=by)


@retried
def reserve_row(
    row: DealRow, *, by: Actor, quantity: Decimal | None = None, until: datetime | None = None
) -> Reservation:
    """Reserve `quantity` (default: the row's quantity) of the row's product in its warehouse
    until `until` (default: now + the reservation period), replacing the row's reservation.
    More than the row's quantity is refused (`ValidationError`); more than is available raises
    `InsufficientStock` naming product, warehouse, asked and available."""
    row = lock_open_row(row)
    warehouse = row_warehouse(row)
    _check_rights(by, warehouse)
    quantity = row.quantity if quantity is None else quantity
    until = until or default_until()
    if not is_number(quantity) or quantity <= 0:
        raise ValidationError({"quantity": _("Reserve a quantity greater than zero.")})
    if quantity > row.quantity:
        raise ValidationError(
            {"quantity": _("A row can reserve at most its own quantity (%(quantity)s).") % {"quantity": row.quantity}}
        )
    if until <= timezone.now():
        raise ValidationError({"reserved_until": _("“Reserved until” must be in the future.")})
    balance = _locked_balance(warehouse.pk, row.product_id)
    current = _active(row)
    available = _available_to(current, balance, warehouse)
    if quantity > available:
        raise InsufficientStock(
            [Shortage(product=row.product, warehouse=warehouse, asked=quantity, available=max(available, Decimal(0)))]
        )
    return _store(row, warehouse, current, quantity, until, by=by)


@retried
def reserve_available(row: DealRow, *, by: Actor) -> Reservation | None:
    """What "reserve on adding the product" does: reserve as much of the row's quantity as is
    available (nothing when none is); the user sees the reserved quantity beside the row."""
    row = lock_open_row(row)
    warehouse = row_warehouse(row)
    _check_rights(by, warehouse)
    balance = _locked_balance(warehouse.pk, row.product_id)
    return _reserve_what_is_available(row, warehouse, _active(row), balance, by=by)


@retried
def sync_row_reservation(row: DealRow, *, by: Actor) -> Reservation | None:
    """After a row changed: a reservation larger than the row shrinks to it; one in another
    warehouse than the row's is released. In the "on adding" mode the row is then reserved
    up to what is available."""
    row = lock_open_row(row)
    warehouse = row_warehouse(row)
    on_add = InventorySettings.load().reservation_mode == ReservationMode.ON_ADD
    balance = None
    if on_add:
        _check_rights(by, warehouse)
        balance = _locked_balance(warehouse.pk, row.product_id)  # before the reservation
    current = _active(row)
    if current is not None:
        if current.warehouse_id != warehouse.pk:
            _end(current, ReservationStatus.RELEASED)
            current = None
        elif current.quantity > row.quantity:
            current.quantity = row.quantity
            current.save(update_fields=["quantity"])
            check_low_stock([(current.warehouse_id, current.product_id)])
    if balance is not None:  # the "on adding" mode
        return _reserve_what_is_available(row, warehouse, current, balance, by=by)
    return current


@retried
def set_reserved_until(reservation: Reservation, *, by: Actor, until: datetime) -> Reservation:
    """Move a reservation's end; it must lie in the future. An expired one counts again only
    if its quantity is still available (`InsufficientStock` otherwise)."""
    _check_rights(by, reservation.warehouse)
    if until <= timezone.now():
        raise ValidationError({"reserved_until": _("“Reserved until” must be in the future.")})
    if reservation.deal_id is not None:
        lock_open_deal(reservation.deal_id)
    # Its warehouse and product change only under the deal's lock: these are the current ones.
    balance = _locked_balance(reservation.warehouse_id, reservation.product_id)
    current = next(iter(lock_reservations(Q(pk=reservation.pk))), None)
    if current is None:
        raise ValidationError(_("This reservation has ended."))
    if not current.is_counting and current.quantity > balance.available:
        raise InsufficientStock(
            [
                Shortage(
                    product=current.product,
                    warehouse=current.warehouse,
                    asked=current.quantity,
                    available=max(balance.available, Decimal(0)),
                )
            ]
        )
    current.reserved_until = until
    current.save(update_fields=["reserved_until"])
    check_low_stock([(current.warehouse_id, current.product_id)])  # an expired one may count again
    return current


@retried
def release_row(row: DealRow, *, by: Actor) -> None:
    """End the row's reservation (the row is deleted or the user lets the stock go)."""
    row = lock_open_row(row)
    current = _active(row)
    if current is not None:
        _check_rights(by, current.warehouse)
        _end(current, ReservationStatus.RELEASED)


@retried
def release_deal(deal: Deal) -> int:
    """End every reservation of an open deal (it is being lost); returns how many. Who may lose
    the deal may let its stock go: the caller checks that right."""
    lock_open_deal(deal.pk)
    return _end_all(lock_reservations(Q(deal_id=deal.pk)), ReservationStatus.RELEASED)


@retried
def release_expired() -> int:
    """Mark every reservation whose time is up as released; returns how many. They already
    stopped counting when they expired: this only tidies their status."""
    return _end_all(lock_reservations(~counting()), ReservationStatus.RELEASED)


def _end(reservation: Reservation, status: str) -> None:
    reservation.status, reservation.ended_at = status, timezone.now()
    reservation.save(update_fields=["status", "ended_at"])
    check_low_stock([(reservation.warehouse_id, reservation.product_id)])


def _end_all(reservations: Iterable[Reservation], status: str) -> int:
    ended = list(reservations)
    count = Reservation.objects.filter(pk__in=[r.pk for r in ended]).update(status=status, ended_at=timezone.now())
    check_low_stock((r.warehouse_id, r.product_id) for r in ended)
    return count
