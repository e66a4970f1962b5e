"""Change versions of the pages that update themselves (static/js/live.js): a short opaque
string that changes whenever a figure the page shows may have changed, read from rows the
services write anyway (no counter row of its own, which every processing would have to
update and so serialize). The page's script asks for it every second and re-renders the page
only when it has changed."""

from collections.abc import Collection
from hashlib import blake2b

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from inventory.models import Reservation, StockDocument, Warehouse
from inventory.models.reservations import counting


def version_of(*parts: object) -> str:
    """The parts as one short string: equal parts, equal version (the times it is made of
    are not shown)."""
    return blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def _last_change(documents: QuerySet[StockDocument]) -> Subquery:
    # One probe into `document_changes` / `transfer_changes` per warehouse.
    return Subquery(documents.order_by("-updated_at").values("updated_at")[:1])


def scope_version(warehouse_ids: Collection[int] | None) -> str:
    """What the stock in these warehouses (None: all) depends on: the last change of a
    document of theirs (processing, cancelling, editing: every one writes `updated_at`;
    a transfer counts for both ends) and their reservations (made, ended, or expired: the
    number of those that count now). Two queries, whatever the number of rows."""
    warehouses = Warehouse.objects.all() if warehouse_ids is None else Warehouse.objects.filter(pk__in=warehouse_ids)
    documents = warehouses.aggregate(
        sent=Max(_last_change(StockDocument.objects.filter(warehouse=OuterRef("pk")))),
        received=Max(_last_change(StockDocument.objects.filter(destination=OuterRef("pk")))),
    )
    reservations = Reservation.objects.all()
    if warehouse_ids is not None:
        reservations = reservations.filter(warehouse_id__in=warehouse_ids)
    held = reservations.aggregate(last=Max("id"), ended=Max("ended_at"), counting=Count("id", filter=counting()))
    return version_of(documents["sent"], documents["received"], held["last"], held["ended"], held["counting"])


def document_version(document: StockDocument) -> str:
    """What a document's page depends on: its own last change (its status, header and lines
    are all written with `updated_at`)."""
    return version_of(document.status, document.updated_at)
