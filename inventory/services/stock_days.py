"""Rebuilding the daily stock changes (`StockDay`) from the ledger: what the table would hold had
every movement been posted as it is now (quantities from the movements, values from their costs
and value adjustments, each on its document's date). `apply_movements` keeps the table up to date;
this is for a change of costing method, which rewrites every value, and for a database that
had movements before the table existed."""

from django.db import connection

from inventory.models import MoveCost, StockDay, StockDocument, StockMove, ValueAdjustment


def stock_days_sql() -> str:
    """The SELECT of the table's rows from the ledger (columns in the table's order)."""
    move, document, cost, adjustment = (
        model._meta.db_table for model in (StockMove, StockDocument, MoveCost, ValueAdjustment)
    )
    return f"""
        SELECT m.warehouse_id, m.product_id, d.date,
               SUM(CASE WHEN (m.quantity > 0) <> m.is_reversal THEN m.quantity ELSE 0 END),
               SUM(CASE WHEN (m.quantity > 0) <> m.is_reversal THEN 0 ELSE -m.quantity END),
               SUM(CASE WHEN (m.quantity > 0) <> m.is_reversal THEN COALESCE(v.value, 0) ELSE 0 END),
               SUM(CASE WHEN (m.quantity > 0) <> m.is_reversal THEN 0 ELSE -COALESCE(v.value, 0) END)
        FROM {move} m
        JOIN {document} d ON d.id = m.document_id
        LEFT JOIN (
            SELECT move_id, SUM(value) AS value FROM (
                SELECT move_id, value FROM {cost} UNION ALL SELECT move_id, value FROM {adjustment}
            ) c GROUP BY move_id
        ) v ON v.move_id = m.id
        GROUP BY m.warehouse_id, m.product_id, d.date
    """


def rebuild_stock_days() -> int:
    """Replace every row of the table with its rebuild from the ledger; returns the rows. Run it
    where no posting can interleave (under `inventory.locks.lock_ledger`, or in a migration)."""
    table = StockDay._meta.db_table
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with foreign key checks still pending in the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(
            f"INSERT INTO {table} (warehouse_id, product_id, day, quantity_in, quantity_out, value_in, value_out) "
            + stock_days_sql()
        )
        return cursor.rowcount
