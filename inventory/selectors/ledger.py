"""Read-side checks of the ledger: quantities against the movements, values against the
cost layers and the movements' values."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from inventory.models import (
    CostLayer,
    LayerTake,
    MoveCost,
    SalesDay,
    StockBalance,
    StockDay,
    StockMove,
    ValueAdjustment,
)


@dataclass(frozen=True)
class Drift:
    warehouse_id: int
    product_id: int
    balance: Decimal
    ledger: Decimal


@dataclass(frozen=True)
class CostDrift:
    """A balance whose costing disagrees: its stock value against the sum of its layers'
    remaining values and against the sum of its movements' values and value adjustments; its
    quantity on hand against the sum of its layers' remainders; what it lists left of its
    layers against what their takes left of them (`layers_off`: how many differ)."""

    warehouse_id: int
    product_id: int
    on_hand: Decimal
    value: Decimal
    layers_remaining: Decimal
    layers_value: Decimal
    ledger_value: Decimal
    layers_off: int = 0

    @property
    def value_differs(self) -> bool:
        return not self.value == self.layers_value == self.ledger_value

    @property
    def remaining_differs(self) -> bool:
        return self.layers_remaining != self.on_hand


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


def cost_drift() -> list[CostDrift]:
    """Every (warehouse, product) whose stock value is not the sum of its cost layers'
    remaining values and of its movements' values plus value adjustments, whose quantity on
    hand is not the sum of its layers' remainders (rows missing on either side count as zero),
    or that lists a layer's remainder (or leaves out a layer) other than its takes left of it.

    What a layer's takes left of it: its quantity and value, less what the movement that made
    it covered of shortfalls first (that movement's positive takes of other layers, the cost of
    which is their value less its value adjustments), plus every take of it."""
    balance, layer, move, cost, adjustment, take = (
        model._meta.db_table for model in (StockBalance, CostLayer, StockMove, MoveCost, ValueAdjustment, LayerTake)
    )
    sql = f"""
        WITH k AS (
            SELECT warehouse_id, product_id FROM {balance}
            UNION SELECT warehouse_id, product_id FROM {layer}
            UNION SELECT warehouse_id, product_id FROM {move}
            UNION SELECT warehouse_id, product_id FROM {adjustment}
        ), row AS (
            SELECT k.warehouse_id, k.product_id, COALESCE(b.on_hand, 0) AS on_hand, COALESCE(b.value, 0) AS value,
                   COALESCE(l.remaining, 0) AS remaining, COALESCE(l.value, 0) AS layers,
                   COALESCE(m.value, 0) + COALESCE(a.value, 0) AS ledger, COALESCE(x.off, 0) AS off
            FROM k
            LEFT JOIN {balance} b ON b.warehouse_id = k.warehouse_id AND b.product_id = k.product_id
            LEFT JOIN (
                SELECT b.warehouse_id, b.product_id, SUM(o.remaining) AS remaining, SUM(o.value) AS value
                FROM {balance} b, unnest(b.layer_remaining, b.layer_values) AS o(remaining, value)
                GROUP BY b.warehouse_id, b.product_id
            ) l ON l.warehouse_id = k.warehouse_id AND l.product_id = k.product_id
            LEFT JOIN (
                SELECT m.warehouse_id, m.product_id, SUM(c.value) AS value
                FROM {move} m JOIN {cost} c ON c.move_id = m.id GROUP BY m.warehouse_id, m.product_id
            ) m ON m.warehouse_id = k.warehouse_id AND m.product_id = k.product_id
            LEFT JOIN (
                SELECT warehouse_id, product_id, SUM(value) AS value
                FROM {adjustment} GROUP BY warehouse_id, product_id
            ) a ON a.warehouse_id = k.warehouse_id AND a.product_id = k.product_id
            LEFT JOIN (
                SELECT l.warehouse_id, l.product_id, count(*) AS off
                FROM {layer} l
                LEFT JOIN (
                    SELECT layer_id, SUM(quantity) AS quantity, SUM(value) AS value FROM {take} GROUP BY layer_id
                ) t ON t.layer_id = l.id
                LEFT JOIN (
                    SELECT c.id, SUM(t.quantity) AS quantity, SUM(t.value) AS value FROM {layer} c
                    JOIN {take} t ON t.move_id = c.move_id AND t.layer_id <> c.id AND t.quantity > 0 GROUP BY c.id
                ) c ON c.id = l.id
                LEFT JOIN (
                    SELECT c.id, SUM(a.value) AS value FROM {layer} c
                    JOIN {adjustment} a ON a.move_id = c.move_id GROUP BY c.id
                ) a ON a.id = l.id
                LEFT JOIN (
                    SELECT o.id, o.remaining, o.value FROM {balance} b,
                    unnest(b.layer_ids, b.layer_remaining, b.layer_values) AS o(id, remaining, value)
                ) s ON s.id = l.id
                WHERE l.quantity - COALESCE(c.quantity, 0) + COALESCE(t.quantity, 0) <> COALESCE(s.remaining, 0)
                   OR l.value - COALESCE(c.value, 0) + COALESCE(a.value, 0) + COALESCE(t.value, 0)
                      <> COALESCE(s.value, 0)
                GROUP BY l.warehouse_id, l.product_id
            ) x ON x.warehouse_id = k.warehouse_id AND x.product_id = k.product_id
        )
        SELECT warehouse_id, product_id, on_hand, value, remaining, layers, ledger, off FROM row
        WHERE value <> layers OR value <> ledger OR remaining <> on_hand OR off <> 0
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [CostDrift(*row) for row in cursor.fetchall()]


def broken_cost_links() -> int:
    """How many layer takes and value adjustments point at a movement or layer that does not
    exist or is of another balance than theirs, how many movement values at a movement that
    does not exist (the links the database does not check: `inventory.models.costing`), and
    how many balances list their open layers wrongly: a layer that does not exist or is of
    another balance, out of order (oldest first, each once), with nothing left, or arrays of
    different lengths."""
    layer, take, adjustment, move, cost, balance = (
        model._meta.db_table for model in (CostLayer, LayerTake, ValueAdjustment, StockMove, MoveCost, StockBalance)
    )
    sql = f"""
        SELECT (
            SELECT count(*) FROM {take} t
            LEFT JOIN {move} m ON m.id = t.move_id LEFT JOIN {layer} l ON l.id = t.layer_id
            WHERE m.id IS NULL OR l.id IS NULL OR (l.warehouse_id, l.product_id) <> (m.warehouse_id, m.product_id)
        ) + (
            SELECT count(*) FROM {adjustment} a JOIN {layer} l ON l.id = a.layer_id JOIN {move} m ON m.id = a.move_id
            WHERE (l.warehouse_id, l.product_id, m.warehouse_id, m.product_id)
                <> (a.warehouse_id, a.product_id, a.warehouse_id, a.product_id)
        ) + (
            SELECT count(*) FROM {cost} c WHERE NOT EXISTS (SELECT 1 FROM {move} m WHERE m.id = c.move_id)
        ) + (
            SELECT count(*) FROM {balance} b
            WHERE cardinality(b.layer_remaining) <> cardinality(b.layer_ids)
               OR cardinality(b.layer_values) <> cardinality(b.layer_ids)
               OR EXISTS (
                   SELECT 1 FROM unnest(b.layer_ids, b.layer_remaining) WITH ORDINALITY AS o(id, remaining, n)
                   LEFT JOIN {layer} l ON l.id = o.id
                   WHERE l.id IS NULL OR (l.warehouse_id, l.product_id) <> (b.warehouse_id, b.product_id)
                      OR o.remaining = 0 OR (o.n > 1 AND o.id <= b.layer_ids[o.n - 1])
               )
        )
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class DayDrift:
    """A balance whose daily stock changes do not add up to it (on hand and value)."""

    warehouse_id: int
    product_id: int
    on_hand: Decimal
    value: Decimal
    days_on_hand: Decimal
    days_value: Decimal


def stock_day_drift() -> list[DayDrift]:
    """Every (warehouse, product) whose daily stock changes (`StockDay`) do not add up to its
    balance's on hand and value (rows missing on either side count as zero)."""
    balance, day = StockBalance._meta.db_table, StockDay._meta.db_table
    sql = f"""
        SELECT COALESCE(b.warehouse_id, s.warehouse_id), COALESCE(b.product_id, s.product_id),
               COALESCE(b.on_hand, 0), COALESCE(b.value, 0), COALESCE(s.on_hand, 0), COALESCE(s.value, 0)
        FROM {balance} b
        FULL OUTER JOIN (
            SELECT warehouse_id, product_id, SUM(quantity_in - quantity_out) AS on_hand,
                   SUM(value_in - value_out) AS value
            FROM {day} GROUP BY warehouse_id, product_id
        ) s ON s.warehouse_id = b.warehouse_id AND s.product_id = b.product_id
        WHERE COALESCE(b.on_hand, 0) <> COALESCE(s.on_hand, 0) OR COALESCE(b.value, 0) <> COALESCE(s.value, 0)
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [DayDrift(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class SalesDayDrift:
    """A row of the daily sales (`SalesDay`) that differs from its rebuild from the ledger:
    (quantity, revenue, COGS, movements without a value) as stored and as rebuilt."""

    day: date
    warehouse_id: int
    product_id: int
    client_id: int | None
    currency: str
    stored: tuple[Decimal, Decimal, Decimal, int]
    ledger: tuple[Decimal, Decimal, Decimal, int]


def sales_day_drift() -> list[SalesDayDrift]:
    """Every row of the daily sales that differs from what the ledger gives
    (`inventory.services.stock_days.sales_days_sql`; a row missing on either side counts as zero)."""
    from inventory.services.stock_days import sales_days_sql

    figures = ("quantity", "revenue", "cogs", "unvalued")
    stored = ", ".join(f"COALESCE(s.{f}, 0)" for f in figures)
    rebuilt = ", ".join(f"COALESCE(r.{f}, 0)" for f in figures)
    keys = ("day", "warehouse_id", "product_id", "client_id", "currency")
    sql = f"""
        SELECT {", ".join(f"COALESCE(s.{k}, r.{k})" for k in keys)}, {stored}, {rebuilt}
        FROM {SalesDay._meta.db_table} s
        FULL OUTER JOIN ({sales_days_sql()}) r ({", ".join(keys + figures)})
          ON s.day = r.day AND s.warehouse_id = r.warehouse_id AND s.product_id = r.product_id
          AND COALESCE(s.client_id, 0) = COALESCE(r.client_id, 0) AND s.currency = r.currency
        WHERE ({stored}) IS DISTINCT FROM ({rebuilt})
        ORDER BY 1, 2, 3, 4, 5
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [
            SalesDayDrift(
                day=row[0],
                warehouse_id=row[1],
                product_id=row[2],
                client_id=row[3],
                currency=row[4],
                stored=(row[5], row[6], row[7], row[8]),
                ledger=(row[9], row[10], row[11], row[12]),
            )
            for row in cursor.fetchall()
        ]
