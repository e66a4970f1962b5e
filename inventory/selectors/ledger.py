"""Read-side checks of the ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from inventory.models import StockBalance, StockMove


@dataclass(frozen=True)
class Drift:
    warehouse_id: int
    product_id: int
    balance: Decimal
    ledger: Decimal


def ledger_drift() -> list[Drift]:
    """Every (warehouse, product) whose balance differs from the sum of its movements,
    including balances without movements and movements without a balance."""
    sql = f"""
        SELECT COALESCE(b.warehouse_id, m.warehouse_id), COALESCE(b.product_id, m.product_id),
               COALESCE(b.on_hand, 0), COALESCE(m.total, 0)
        FROM {StockBalance._meta.db_table} b
        FULL OUTER JOIN (
            SELECT warehouse_id, product_id, SUM(quantity) AS total
            FROM {StockMove._meta.db_table} GROUP BY warehouse_id, product_id
        ) m ON m.warehouse_id = b.warehouse_id AND m.product_id = b.product_id
        WHERE COALESCE(b.on_hand, 0) <> COALESCE(m.total, 0)
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [Drift(*row) for row in cursor.fetchall()]
