"""Read side of the movements the API lists (the ledger, read-only)."""

from collections.abc import Collection

from django.db.models import QuerySet

from inventory.models import StockMove
from inventory.selectors.catalog import in_scope


def movements(*, warehouse_ids: Collection[int] | None = None) -> QuerySet[StockMove]:
    """Movements in `warehouse_ids` (None: all), newest first, with their document's number
    and type (one query for a page)."""
    moves = in_scope(StockMove.objects.all(), warehouse_ids)
    return (
        moves.select_related("document")
        .only(
            "id",
            "warehouse_id",
            "product_id",
            "quantity",
            "balance_after",
            "is_reversal",
            "created_at",
            "document__id",
            "document__number",
            "document__doc_type",
        )
        .order_by("-id")
    )
