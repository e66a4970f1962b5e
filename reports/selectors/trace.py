"""The product trace: where every unit of one product came from and where it went.

Under FIFO each incoming movement makes a cost layer (a lot) and each outgoing one takes from
the oldest lots (`inventory.valuation`): the takes say which document took how much of which
lot. A transfer's takes in its source warehouse make one lot in its destination (worth what
left the source), so the trace follows a transfer from the lots it took into that lot and on
to the documents that took from it. Incoming stock that made up for a shortfall (stock sold
that was not there: a lot of negative quantity) is a take of the shortfall's lot by the
incoming movement, shown on both lots.

Only a document's current processing counts: the takes of a cancelled processing and those of
the reversal that undid them are left out (they net to nothing), and a lot whose processing was
cancelled says so. So, per lot: received = what its rows took + what is still on hand.

A few queries whatever the history's length (the lots, the transfers' links, the takes of the
lots traced, their documents); the tree is built here from those rows. A trace of more than
`MAX_TAKES` takes is not built: the page asks for a receipt, a warehouse or a shorter period.
"""

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.utils.translation import gettext as _

from inventory.models import CostLayer, DocumentType, LayerTake, StockDocument, StockMove, ValueAdjustment
from inventory.selectors.catalog import in_scope
from inventory.selectors.stock import AnyOf

MAX_TAKES = 50_000

# What a row of the trace is.
TAKE = "take"  # a document took stock from the lot
COVER = "cover"  # the lot's stock made up for an earlier shortfall (stock sold before it came)
MADE_UP = "made_up"  # incoming stock made up for part of this shortfall lot
CANCELLED = "cancelled"  # the processing that made the lot was cancelled
ON_HAND = "on_hand"  # what is left of the lot (negative: a shortfall not yet made up for)


@dataclass(frozen=True)
class Lot:
    """One cost layer: what one incoming movement brought (or a shortfall: negative)."""

    id: int
    warehouse_id: int
    move_id: int
    document_id: int
    doc_type: str
    date: date
    quantity: Decimal
    value: Decimal
    remaining: Decimal
    remaining_value: Decimal
    cancelled: bool

    @property
    def is_shortfall(self) -> bool:
        return self.quantity < 0

    @property
    def is_transfer_in(self) -> bool:
        return self.doc_type == DocumentType.TRANSFER and self.quantity > 0


@dataclass(frozen=True)
class Take:
    id: int
    layer_id: int
    move_id: int
    document_id: int  # the movement's
    layer_document_id: int  # the document that made the lot taken from
    quantity: Decimal  # the change of the lot's remainder
    value: Decimal
    adjustment: Decimal | None  # covering a shortfall: booked − cost (`ValueAdjustment`)


@dataclass(frozen=True)
class TraceRow:
    """One row of the trace: `kind` (TAKE, COVER, …) of `lot`, shown at `level` (0: a lot the
    filters chose, `root`; 1: a lot a transfer made from it, …). `quantity` and `value` are
    what the row took out of the lot (the rows of a lot add up to what it received);
    `destination`: a transfer's lot in the destination warehouse (None: one the user does not
    see), `nested`: shown right after this row (else it was shown above)."""

    level: int
    lot: Lot
    root: Lot
    kind: str
    document: StockDocument | None
    quantity: Decimal
    value: Decimal
    first: bool = False
    destination: Lot | None = None
    nested: bool = False


@dataclass
class Trace:
    rows: list[TraceRow] = field(default_factory=list)
    documents: dict[int, StockDocument] = field(default_factory=dict)
    # A transfer's lot → the lots it took from (that the user sees) and how much of each.
    sources: dict[int, list[tuple[Lot, Decimal]]] = field(default_factory=dict)
    too_many: bool = False


def _ids(ids: Collection[int]) -> Value:
    return Value(sorted(ids), output_field=ArrayField(BigIntegerField()))


def _reversed_since(document: str, move: str) -> Exists:
    """Whether the movement (`move`: the path to its id) has been reversed: its document has a
    reversal at or after it (a reversal itself counts as reversed)."""
    reversals = StockMove.objects.filter(document_id=OuterRef(document), is_reversal=True, id__gte=OuterRef(move))
    return Exists(reversals)


def _lots(product, warehouse_ids) -> dict[int, Lot]:
    layers = in_scope(CostLayer.objects.with_remaining().filter(product=product), warehouse_ids)
    rows = (
        layers.annotate(
            doc_type=F("document__doc_type"),
            date=F("document__date"),
            cancelled=_reversed_since("document_id", "move_id"),
        )
        .order_by("id")
        .values_list(
            "id",
            "warehouse_id",
            "move_id",
            "document_id",
            "doc_type",
            "date",
            "quantity",
            "value",
            "remaining",
            "remaining_value",
            "cancelled",
        )
    )
    return {row[0]: Lot(*row) for row in rows}


def _live_takes(product, warehouse_ids) -> QuerySet[LayerTake]:
    takes = in_scope(LayerTake.objects.filter(layer__product=product), warehouse_ids, "layer__warehouse_id")
    return takes.exclude(_reversed_since("move__document_id", "move_id"))


def _transfer_links(product, warehouse_ids) -> list[tuple[int, int, Decimal]]:
    """(lot, transfer, quantity) of what the transfers' current processings took from lots."""
    takes = _live_takes(product, warehouse_ids).filter(quantity__lt=0, move__document__doc_type=DocumentType.TRANSFER)
    return list(takes.values_list("layer_id", "move__document_id", "quantity"))


def _takes(product, warehouse_ids, lots: Collection[Lot], *, limit: int) -> list[Take]:
    """The current takes of `lots`, and the shortfalls their movements made up for, in the order
    they were made; at most `limit` + 1."""
    cover = ValueAdjustment.objects.filter(move_id=OuterRef("move_id"), layer_id=OuterRef("layer_id"))
    takes = (
        _live_takes(product, warehouse_ids)
        .filter(
            Q(AnyOf(F("layer_id"), _ids([lot.id for lot in lots])))
            | Q(AnyOf(F("move_id"), _ids([lot.move_id for lot in lots])), quantity__gt=0)
        )
        .annotate(
            document_id=F("move__document_id"),
            layer_document_id=F("layer__document_id"),
            adjustment=Case(When(quantity__gt=0, then=Subquery(cover.values("value")[:1]))),
        )
        .order_by("id")
        .values_list("id", "layer_id", "move_id", "document_id", "layer_document_id", "quantity", "value", "adjustment")
    )
    return [Take(*row) for row in takes[: limit + 1]]


def _documents(ids: Collection[int]) -> dict[int, StockDocument]:
    documents = StockDocument.objects.filter(AnyOf(F("pk"), _ids(ids)))
    return {d.pk: d for d in documents.select_related("warehouse", "destination", "supplier", "client")}


@dataclass
class _Links:
    """How the lots hang together: a transfer's lot by its document, its sources."""

    transfer_lots: dict[int, Lot]  # transfer document → the lot its current processing made
    sources: dict[int, list[tuple[int, Decimal]]]  # that lot → (source lot, quantity taken)
    children: dict[int, list[Lot]]  # lot → the transfers' lots made from it

    @classmethod
    def of(cls, lots: dict[int, Lot], links: list[tuple[int, int, Decimal]]) -> "_Links":
        transfer_lots = {lot.document_id: lot for lot in lots.values() if lot.is_transfer_in and not lot.cancelled}
        sources: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        children: dict[int, list[Lot]] = defaultdict(list)
        for layer_id, document_id, quantity in sorted(links):
            made = transfer_lots.get(document_id)
            if made is not None and layer_id in lots:
                sources[made.id].append((layer_id, -quantity))
                children[layer_id].append(made)
        return cls(transfer_lots, sources, children)


def product_trace(
    product,
    *,
    warehouse_ids: Collection[int] | None,
    warehouse=None,
    receipt=None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Trace:
    """The FIFO trace of `product` in `warehouse_ids` (the user's warehouses; None: all), from the
    lots the filters choose: those of `warehouse` (else of any warehouse) whose stock did not come
    from another lot there (a transfer's lot is shown under the lot it came from), of `receipt`
    if given, made by a document dated in the period; each followed through its transfers."""
    lots = _lots(product, warehouse_ids)
    links = _Links.of(lots, _transfer_links(product, warehouse_ids))

    def in_warehouse(lot: Lot) -> bool:
        return warehouse is None or lot.warehouse_id == warehouse.pk

    def chosen(lot: Lot) -> bool:
        if not in_warehouse(lot) or (lot.is_transfer_in and lot.cancelled):  # a cancelled transfer moved nothing
            return False
        if any(in_warehouse(lots[source]) for source, _ in links.sources.get(lot.id, ())):
            return False
        if receipt is not None and lot.document_id != receipt.pk:
            return False
        return (date_from is None or lot.date >= date_from) and (date_to is None or lot.date <= date_to)

    roots = [lot for lot in lots.values() if chosen(lot)]
    traced: dict[int, Lot] = {}
    stack = list(reversed(roots))
    while stack:
        lot = stack.pop()
        if lot.id not in traced:
            traced[lot.id] = lot
            stack.extend(reversed(links.children.get(lot.id, [])))
    if not traced:
        return Trace()
    takes = _takes(product, warehouse_ids, traced.values(), limit=MAX_TAKES)
    if len(takes) > MAX_TAKES:
        return Trace(too_many=True)
    sources = {lot_id: [(lots[s], q) for s, q in found] for lot_id, found in links.sources.items() if lot_id in traced}
    documents = _documents(
        {lot.document_id for lot in traced.values()}
        | {lot.document_id for found in sources.values() for lot, _ in found}
        | {t.document_id for t in takes}
        | {t.layer_document_id for t in takes}
    )
    builder = _TreeBuilder(traced, takes, documents, links)
    return Trace(rows=builder.rows(roots), documents=documents, sources=sources)


class _TreeBuilder:
    """The rows of the trace, lot by lot depth first: a transfer's lot right after the row of the
    transfer that made it (under the first of its sources shown; the others say it is above)."""

    def __init__(self, lots: dict[int, Lot], takes: list[Take], documents, links: _Links):
        self.lots, self.documents, self.links = lots, documents, links
        self.takes: dict[int, list[Take]] = defaultdict(list)  # of each lot
        self.covers: dict[int, list[Take]] = defaultdict(list)  # made by each movement
        for take in takes:
            if take.layer_id in lots:
                self.takes[take.layer_id].append(take)
            if take.quantity > 0:
                self.covers[take.move_id].append(take)
        self.shown: set[int] = set()

    def rows(self, roots: list[Lot]) -> list[TraceRow]:
        rows: list[TraceRow] = []
        for root in roots:
            if root.id in self.shown:
                continue
            self.shown.add(root.id)
            stack = [self._lot_rows(root, 0, root)]  # an explicit stack: chains of transfers can be long
            while stack:
                row = next(stack[-1], None)
                if row is None:
                    stack.pop()
                    continue
                rows.append(row)
                if row.nested and row.destination is not None:
                    stack.append(self._lot_rows(row.destination, row.level + 1, root))
        return rows

    def _lot_rows(self, lot: Lot, level: int, root: Lot) -> Iterator[TraceRow]:
        documents = self.documents
        rows: list[TraceRow] = []

        def row(kind: str, document, quantity: Decimal, value: Decimal, **more) -> TraceRow:
            made = TraceRow(level, lot, root, kind, document, quantity, value, first=not rows, **more)
            rows.append(made)
            return made

        for cover in self.covers.get(lot.move_id, []):
            cost = cover.value - (cover.adjustment or 0)
            yield row(COVER, documents[cover.layer_document_id], cover.quantity, cost)
        for take in self.takes.get(lot.id, []):
            document = documents[take.document_id]
            if take.quantity > 0:
                yield row(MADE_UP, document, -take.quantity, -take.value)
                continue
            destination = None
            if document.doc_type == DocumentType.TRANSFER:
                destination = self.links.transfer_lots.get(document.pk)
            nested = False
            if destination is not None and destination.id not in self.shown:
                nested = True
                self.shown.add(destination.id)
            yield row(TAKE, document, -take.quantity, -take.value, destination=destination, nested=nested)
        if lot.cancelled:
            yield row(
                CANCELLED,
                documents[lot.document_id],
                lot.quantity - lot.remaining - sum((r.quantity for r in rows), Decimal(0)),
                lot.value - lot.remaining_value - sum((r.value for r in rows), Decimal(0)),
            )
        yield row(ON_HAND, None, lot.remaining, lot.remaining_value)


def average_rows(
    product,
    *,
    warehouse_ids: Collection[int] | None,
    warehouse=None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Under the moving average (no lots to follow): what each document brought into or took out
    of each warehouse of `warehouse_ids` (None: all), net of cancellations, as dicts: the
    warehouse, the document (`document_id`, `number`, `doc_type`, `date`, its
    `source_id` and `destination_id` warehouses), `party` (supplier,
    client, the other warehouse of a transfer, a write-off's reason), `received` or `sent`, and
    `value` (what it added to the stock's value, or what the stock it took was worth)."""
    moves = in_scope(StockMove.objects.filter(product=product), warehouse_ids)
    if warehouse is not None:
        moves = moves.filter(warehouse=warehouse)
    if date_from is not None:
        moves = moves.filter(document__date__gte=date_from)
    if date_to is not None:
        moves = moves.filter(document__date__lte=date_to)
    hidden = Value(_("a warehouse you do not see"))

    def other_warehouse(field: str):
        name = F(f"document__{field}__name")
        if warehouse_ids is None:
            return name
        return Case(When(**{f"document__{field}_id__in": warehouse_ids}, then=name), default=hidden)

    party = Case(
        When(document__doc_type=DocumentType.RECEIPT, then=F("document__supplier__name")),
        When(document__doc_type__in=[DocumentType.SALES_ORDER, DocumentType.RETURN], then=F("document__client__name")),
        When(document__doc_type=DocumentType.WRITE_OFF, then=F("document__reason")),
        When(
            document__doc_type=DocumentType.TRANSFER,
            warehouse_id=F("document__warehouse_id"),
            then=other_warehouse("destination"),
        ),
        When(document__doc_type=DocumentType.TRANSFER, then=other_warehouse("warehouse")),
        default=Value(""),
        output_field=CharField(),
    )
    zero = Value(Decimal(0))
    return (
        moves.values("warehouse_id", "document_id")
        .annotate(
            warehouse_name=F("warehouse__name"),
            number=F("document__number"),
            doc_type=F("document__doc_type"),
            source_id=F("document__warehouse_id"),
            destination_id=F("document__destination_id"),
            date=F("document__date"),
            party=party,
            net=Sum("quantity"),
            net_value=Coalesce(Sum("cost__value"), zero),
        )
        .exclude(net=0)
        .annotate(
            received=Case(When(net__gt=0, then=F("net"))),
            sent=Case(When(net__lt=0, then=-F("net"))),
            value=Abs(F("net_value")),
        )
    )
