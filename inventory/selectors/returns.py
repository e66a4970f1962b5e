"""What a sales order (a transfer) shipped and what its returns (transfers back) brought back,
per product."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from inventory.models import MoveCost, StockDocument, StockMove


@dataclass(frozen=True)
class Returnable:
    """Of one product of a processed sales order: the quantity it shipped and the value that
    left with it (its movements' cost, positive), and what its processed returns brought back."""

    shipped: Decimal
    shipped_value: Decimal
    returned: Decimal
    returned_value: Decimal

    @property
    def left(self) -> Decimal:
        """What may still come back."""
        return self.shipped - self.returned


def returnable(order: StockDocument) -> dict[int, Returnable]:
    """Product id → `Returnable` of the processed sales order `order`, in one query: the net of
    its movements (its last processing: an earlier one was reversed) and of its returns'
    movements (a cancelled return's reversal nets it to zero), with their values."""
    with connection.cursor() as cursor:
        cursor.execute(returnable_sql(MoveCost._meta.db_table), returnable_params(order.pk, order.warehouse_id))
        return {product: Returnable(*figures) for product, *figures in cursor.fetchall()}


def returnable_sql(costs: str, *, before_move: bool = False) -> str:
    """The query of `returnable` (parameters: `returnable_params`), the values read from the
    table `costs` (move_id, value); with `before_move`, of the movements before a given one
    only, and of the products all of whose movements have a value (the cost replay's)."""
    move, document = StockMove._meta.db_table, StockDocument._meta.db_table
    before, valued = ("AND m.id < %s ", "HAVING bool_and(c.move_id IS NOT NULL)") if before_move else ("", "")
    return (
        "SELECT m.product_id, "
        "COALESCE(-SUM(m.quantity) FILTER (WHERE m.document_id = %s), 0), "
        "COALESCE(-SUM(c.value) FILTER (WHERE m.document_id = %s), 0), "
        "COALESCE(SUM(m.quantity) FILTER (WHERE m.document_id <> %s), 0), "
        "COALESCE(SUM(c.value) FILTER (WHERE m.document_id <> %s), 0) "
        f"FROM {move} m LEFT JOIN {costs} c ON c.move_id = m.id "
        f"WHERE (m.document_id = %s OR m.document_id IN (SELECT id FROM {document} WHERE returned_from_id = %s)) "
        f"AND m.warehouse_id = %s {before}GROUP BY m.product_id {valued}"
    )


def returnable_params(order_id: int, warehouse_id: int, *before_move: int) -> list[int]:
    """The parameters of `returnable_sql` for the order and its warehouse (and the movement)."""
    return [order_id] * 6 + [warehouse_id, *before_move]


def returns_of(order: StockDocument) -> list[StockDocument]:
    """The order's returns that are not deleted, oldest first."""
    return list(order.returns.filter(deleted_at__isnull=True).order_by("id"))
