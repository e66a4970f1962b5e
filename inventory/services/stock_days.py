"""Rebuilding the daily stock changes (`StockDay`) and the daily sales (`SalesDay`) from the
ledger: what the tables would hold had every movement been posted as it is now (quantities from
the movements, values from their costs and value adjustments, each on its document's date).
`apply_movements` keeps them up to date; this is for a change of costing method, which rewrites
every value, and for a database that had movements before the tables existed."""

from django.db import connection

from inventory.models import (
    DocumentLine,
    DocumentStatus,
    DocumentType,
    MoveCost,
    SalesDay,
    StockDay,
    StockDocument,
    StockMove,
    ValueAdjustment,
)
from inventory.models.documents import SOLD_TYPES


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


SALES_DAY_COLUMNS = "day, warehouse_id, product_id, client_id, currency, quantity, revenue, cogs, unvalued"


def sales_days_sql() -> str:
    """The SELECT of the daily sales' rows from the ledger (columns `SALES_DAY_COLUMNS`): the
    movements of the last processing of every processed sales order and return (those after its
    last reversal), each with its line (quantity, revenue; a return's subtracted) and its value
    (COGS = − the value: a return's value comes back in, so it takes COGS off)."""
    move, document, line, cost = (model._meta.db_table for model in (StockMove, StockDocument, DocumentLine, MoveCost))
    sold = ", ".join(f"'{doc_type.value}'" for doc_type in sorted(SOLD_TYPES))
    sign = f"CASE WHEN d.doc_type = '{DocumentType.RETURN.value}' THEN -1 ELSE 1 END"
    return f"""
        SELECT d.date, m.warehouse_id, m.product_id, d.client_id, d.currency, SUM({sign} * l.quantity),
               SUM({sign} * l.quantity * l.price), -SUM(COALESCE(c.value, 0)),
               count(*) FILTER (WHERE c.move_id IS NULL)
        FROM {move} m
        JOIN {document} d ON d.id = m.document_id
        JOIN {line} l ON l.document_id = m.document_id AND l.product_id = m.product_id
        LEFT JOIN {cost} c ON c.move_id = m.id
        WHERE d.doc_type IN ({sold}) AND d.status = '{DocumentStatus.PROCESSED.value}'
          AND NOT m.is_reversal
          AND m.id > COALESCE((SELECT max(r.id) FROM {move} r WHERE r.document_id = m.document_id AND r.is_reversal), 0)
        GROUP BY d.date, m.warehouse_id, m.product_id, d.client_id, d.currency
    """


def _replace(table: str, columns: str, select: str) -> int:
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with foreign key checks still pending in the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}")
        return cursor.rowcount


def rebuild_stock_days() -> int:
    """Replace every row of the table with its rebuild from the ledger; returns the rows. Run it
    where no posting can interleave (under `inventory.locks.lock_ledger`, or in a migration)."""
    columns = "warehouse_id, product_id, day, quantity_in, quantity_out, value_in, value_out"
    return _replace(StockDay._meta.db_table, columns, stock_days_sql())


def rebuild_sales_days() -> int:
    """Replace every row of the daily sales with its rebuild from the ledger (`sales_days_sql`);
    returns the rows. Run it where no posting can interleave, as `rebuild_stock_days`."""
    return _replace(SalesDay._meta.db_table, SALES_DAY_COLUMNS, sales_days_sql())
