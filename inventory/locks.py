"""Every row lock the stock services take, in one place and one order.

Order: the document first, then its balances in (warehouse_id, product_id) order with a single
query, so two transactions touching the same balances (say, opposite transfers) always queue
instead of deadlocking.
"""

from collections.abc import Iterable

from inventory.models import StockBalance, StockDocument

BalanceKey = tuple[int, int]  # (warehouse_id, product_id)


def lock_document(document_id: int) -> StockDocument:
    """Lock a document row for the rest of the transaction and return its current state
    (with its warehouses and partners, which validation reads)."""
    return (
        StockDocument.objects.select_for_update(of=("self",))
        .select_related("warehouse", "destination", "supplier", "client")
        .get(pk=document_id)
    )


def lock_balances(keys: Iterable[BalanceKey]) -> dict[BalanceKey, StockBalance]:
    """Lock the balances of `keys`, creating the missing rows first (a FOR UPDATE that matches
    no row locks nothing). Returns every balance whose warehouse and product are among the
    keys', which for a document is exactly its keys: one or two warehouses times its products.
    """
    keys = sorted(set(keys))
    if not keys:
        return {}
    # INSERT … ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, so no row
    # is created twice; sorted keys keep concurrent inserts in the same order.
    StockBalance.objects.bulk_create(
        [StockBalance(warehouse_id=w, product_id=p) for w, p in keys], ignore_conflicts=True
    )
    warehouse_ids = {w for w, _ in keys}
    product_ids = {p for _, p in keys}
    rows = (
        StockBalance.objects.select_for_update(of=("self",))
        .filter(warehouse_id__in=warehouse_ids, product_id__in=product_ids)
        .order_by("warehouse_id", "product_id")
    )
    return {(b.warehouse_id, b.product_id): b for b in rows}
