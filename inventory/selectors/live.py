"""Change versions of the pages that update themselves (static/js/live.js): a short opaque
string that changes whenever a figure the page shows may have changed, read from rows the
services write anyway (no counter row of its own, which every processing would have to
update and so serialize). The page's script asks for it every second and re-renders the page
only when it has changed."""

from collections.abc import Collection
from hashlib import blake2b

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from history.models import MinimumStockEvent, ProductShownEvent
from inventory.models import Product, Reservation, StockDocument, Warehouse
from inventory.models.costing import CostRecompute
from inventory.models.reservations import counting


def version_of(*parts: object) -> str:
    """The parts as one short string: equal parts, equal version (the times it is made of
    are not shown)."""
    return blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def _last_change(documents: QuerySet[StockDocument]) -> Subquery:
    # One probe into `document_changes` / `transfer_changes` per warehouse.
    return Subquery(documents.order_by("-updated_at").values("updated_at")[:1])


def shared_changes() -> dict[str, Subquery]:
    """What every page shows whatever its warehouses: the products (the last edit of any, of
    its name, selling price or anything else the pages show: `ProductShownEvent`) and the
    costs (the end of the last cost recompute, which changes every value). One probe into a
    primary key each."""
    return {
        "products": Subquery(ProductShownEvent.objects.order_by("-pgh_id").values("pgh_id")[:1]),
        "costs": Subquery(CostRecompute.objects.order_by("-id").values("finished_at")[:1]),
    }


def scope_version(warehouse_ids: Collection[int] | None) -> str:
    """What the stock in these warehouses (None: all) depends on: the last change of a
    document of theirs (processing, cancelling, editing: every one writes `updated_at`;
    a transfer counts for both ends), of a minimum level of theirs (the last id of its
    change-history events, in the index `minimum_event_changes`), `shared_changes`, and
    their reservations (made, ended, or expired: the number of those that count now). Two
    queries, whatever the number of rows."""
    warehouses = Warehouse.objects.all() if warehouse_ids is None else Warehouse.objects.filter(pk__in=warehouse_ids)
    minimums = MinimumStockEvent.objects.filter(warehouse=OuterRef("pk")).order_by("-pgh_id").values("pgh_id")[:1]
    changes = warehouses.aggregate(
        sent=Max(_last_change(StockDocument.objects.filter(warehouse=OuterRef("pk")))),
        received=Max(_last_change(StockDocument.objects.filter(destination=OuterRef("pk")))),
        minimums=Max(Subquery(minimums)),
        **{name: Max(change) for name, change in shared_changes().items()},
    )
    reservations = Reservation.objects.all()
    if warehouse_ids is not None:
        reservations = reservations.filter(warehouse_id__in=warehouse_ids)
    held = reservations.aggregate(last=Max("id"), ended=Max("ended_at"), counting=Count("id", filter=counting()))
    return version_of(sorted(changes.items()), held["last"], held["ended"], held["counting"])


def product_version(product: Product, warehouse_ids: Collection[int] | None, *, purchase_price: bool) -> str:
    """What a product's page depends on: the stock of these warehouses (`scope_version`), the
    product's barcodes (rows of their own: how many, the last one) and, when the page shows
    it (`purchase_price`), its purchase price (read with the product). Three queries."""
    barcodes = product.barcodes.aggregate(count=Count("id"), last=Max("id"))
    price = product.purchase_price if purchase_price else None
    return version_of(scope_version(warehouse_ids), barcodes["count"], barcodes["last"], price)


def document_version(document: StockDocument) -> str:
    """What a document's page depends on: its own last change (its status, header, lines and
    delivery status are all written with `updated_at`), that of its returns (a sales
    order's) and `shared_changes` (its products, its costs). One query."""
    returns = StockDocument.objects.filter(returned_from=OuterRef("pk")).order_by("-updated_at").values("updated_at")
    changes = (
        StockDocument.objects.filter(pk=document.pk)
        .values_list(Subquery(returns[:1]), *shared_changes().values())
        .first()
    )
    return version_of(document.status, document.updated_at, changes)
