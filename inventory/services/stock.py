"""Applying movements to balances: the only code that changes `StockBalance.on_hand`."""

from decimal import Decimal

from django.db import connection

from inventory.errors import InsufficientStock, Shortage
from inventory.locks import BalanceKey
from inventory.models import Product, StockBalance, StockDocument, StockMove, Warehouse


def check_available(deltas: dict[BalanceKey, Decimal], balances: dict[BalanceKey, StockBalance]) -> None:
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
    balances: dict[BalanceKey, StockBalance],
    *,
    is_reversal: bool = False,
) -> list[StockMove]:
    """Add `deltas` to the locked `balances` in one UPDATE and record one movement per
    changed balance in one INSERT. Zero deltas are skipped."""
    changes = sorted((key, delta) for key, delta in deltas.items() if delta != 0)
    if not changes:
        return []
    values = ", ".join(["(%s::bigint, %s::numeric)"] * len(changes))
    params = [p for key, delta in changes for p in (balances[key].pk, delta)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockBalance._meta.db_table} AS b SET on_hand = b.on_hand + v.delta "
            f"FROM (VALUES {values}) AS v(id, delta) WHERE b.id = v.id",
            params,
        )
    moves = []
    for key, delta in changes:
        balance = balances[key]
        balance.on_hand += delta
        moves.append(
            StockMove(
                document=document,
                warehouse_id=key[0],
                product_id=key[1],
                quantity=delta,
                balance_after=balance.on_hand,
                is_reversal=is_reversal,
            )
        )
    return StockMove.objects.bulk_create(moves)
