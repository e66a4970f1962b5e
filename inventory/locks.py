"""Every row lock the stock services take, in one place and one order.

Order: the document first, then its balances in (warehouse_id, product_id) order with a single
query, so two transactions touching the same balances (say, opposite transfers) always queue
instead of deadlocking.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from inventory.models import StockBalance, StockDocument

BalanceKey = tuple[int, int]  # (warehouse_id, product_id)


@dataclass
class LockedBalance:
    """A balance row locked by the current transaction (plain values: cheaper than a model)."""

    id: int
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def lock_document(document_id: int) -> StockDocument:
    """Lock a document row for the rest of the transaction and return its current state
    (with its warehouses and partners, which validation reads)."""
    return (
        StockDocument.objects.select_for_update(of=("self",))
        .select_related("warehouse", "destination", "supplier", "client")
        .get(pk=document_id)
    )


def lock_balances(keys: Iterable[BalanceKey]) -> dict[BalanceKey, LockedBalance]:
    """Lock the balances of `keys` with one ordered SELECT … FOR UPDATE, creating missing
    rows first (a FOR UPDATE that matches no row locks nothing)."""
    keys = sorted(set(keys))
    if not keys:
        return {}
    locked = _select_for_update(keys)
    if len(locked) < len(keys):
        # INSERT … ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, so no
        # row is created twice. A deadlock this rare path might meet is retried by the caller.
        StockBalance.objects.bulk_create(
            [StockBalance(warehouse_id=w, product_id=p) for w, p in keys if (w, p) not in locked],
            ignore_conflicts=True,
        )
        locked = _select_for_update(keys)
    return locked


def _select_for_update(keys: list[BalanceKey]) -> dict[BalanceKey, LockedBalance]:
    # Every balance whose warehouse and product are among the keys': for a document that is
    # exactly its keys (one or two warehouses times its products).
    table = StockBalance._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, warehouse_id, product_id, on_hand, reserved FROM {table} "
            "WHERE warehouse_id = ANY(%s) AND product_id = ANY(%s) "
            "ORDER BY warehouse_id, product_id FOR UPDATE",
            [sorted({w for w, _ in keys}), sorted({p for _, p in keys})],
        )
        return {(w, p): LockedBalance(id_, on_hand, reserved) for id_, w, p, on_hand, reserved in cursor.fetchall()}
