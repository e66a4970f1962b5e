"""Applying movements to balances: the only code that changes `StockBalance.on_hand`."""

from decimal import Decimal

from django.db import connection

from inventory.errors import InsufficientStock, Shortage
from inventory.locks import BalanceKey, LockedBalance
from inventory.models import Product, StockBalance, StockDocument, StockMove, Warehouse


def check_available(deltas: dict[BalanceKey, Decimal], balances: dict[BalanceKey, LockedBalance]) -> None:
    """Raise `InsufficientStock` naming every balance that `deltas` would take below what is
    available (on hand − reserved). Call with locked balances."""
    short = [
        (key, -delta, balances[key].available)
        for key, delta in sorted(deltas.items())
        if delta < 0 and balances[key].available + delta < 0
    ]
    if not short:
        return
    products = Product.objects.in_bulk({p for (_, p), _, _ in short})
    warehouses = Warehouse.objects.in_bulk({w for (w, _), _, _ in short})
    raise InsufficientStock(
        [
            Shortage(product=products[p], warehouse=warehouses[w], asked=asked, available=max(available, 0))
            for (w, p), asked, available in short
        ]
    )


def apply_movements(
    document: StockDocument,
    deltas: dict[BalanceKey, Decimal],
    balances: dict[BalanceKey, LockedBalance],
    *,
    is_reversal: bool = False,
) -> int:
    """Add `deltas` to the locked `balances` in one UPDATE (relative, `on_hand + delta`) and
    record one movement per changed balance in one INSERT. Zero deltas are skipped. Returns
    the number of movements written."""
    changes = sorted((key, delta) for key, delta in deltas.items() if delta != 0)
    if not changes:
        return 0
    balance_ids, warehouse_ids, product_ids, quantities, balances_after = [], [], [], [], []
    for (warehouse_id, product_id), delta in changes:
        balance = balances[(warehouse_id, product_id)]
        balance.on_hand += delta
        balance_ids.append(balance.id)
        warehouse_ids.append(warehouse_id)
        product_ids.append(product_id)
        quantities.append(delta)
        balances_after.append(balance.on_hand)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockBalance._meta.db_table} AS b SET on_hand = b.on_hand + v.delta "
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, delta) WHERE b.id = v.id",
            [balance_ids, quantities],
        )
        cursor.execute(
            f"INSERT INTO {StockMove._meta.db_table} "
            "(document_id, warehouse_id, product_id, quantity, balance_after, is_reversal, created_at) "
            "SELECT %s, w, p, q, a, %s, now() FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[]) "
            "AS v(w, p, q, a)",
            [document.pk, is_reversal, warehouse_ids, product_ids, quantities, balances_after],
        )
    return len(changes)
