"""Costing of the documents the stock services process and cancel: the values of their
movements and the cost layers they change (the rules: `inventory.valuation`).

Called by `inventory.services.documents` under the balance locks, in the transaction that
writes the movements: `plan_processing` / `plan_cancellation` plan a `Posting`, which
`apply_movements` writes with the movements, in their statement (`posting_sql`,
`layer_arrays`). The open layers come with the locked balances (`StockBalance.layer_ids` …)
and go back with their update: processing reads layers only for a balance with no stock left
to cost with (its newest layer), in one query, and writes none of its own, whatever the number
of lines.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.catalogue import document_right
from accounts.permissions import Actor, can
from inventory.arrays import number_array
from inventory.errors import DocumentStateError
from inventory.locks import LockedBalance, LockedBalances
from inventory.models import (
    CostingMethod,
    CostLayer,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    StockDocument,
    StockMove,
    ValueAdjustment,
)
from inventory.selectors.returns import Returnable
from inventory.valuation import BalanceKey, Book, Change, Layer, Plan, to_cent

LAYER_COLUMNS = "id, warehouse_id, product_id, document_id, quantity, value"


class PricedLine(Protocol):
    """A document line as processing reads it."""

    @property
    def product_id(self) -> int: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def product(self) -> object: ...


@dataclass
class Posting:
    """The costing of one processing or cancellation: a plan per balance."""

    plans: dict[BalanceKey, Plan] = field(default_factory=dict)

    def value_changes(self) -> dict[BalanceKey, Decimal]:
        return {key: plan.value_change for key, plan in self.plans.items()}


def check_currency(document: StockDocument, lines: Sequence[PricedLine]) -> None:
    """Stock is valued in the default currency: a receipt priced in another cannot be processed."""
    if (
        document.doc_type == DocumentType.RECEIPT
        and document.currency != settings.DEFAULT_CURRENCY
        and any(line.price for line in lines)
    ):
        raise ValidationError(
            {
                "currency": _(
                    "Stock is valued in %(default)s: a receipt priced in %(currency)s cannot be processed. "
                    "Enter its prices in %(default)s."
                )
                % {"default": settings.DEFAULT_CURRENCY, "currency": document.currency}
            }
        )


def plan_processing(
    document: StockDocument,
    lines: Sequence[PricedLine],
    deltas: dict[BalanceKey, Decimal],
    balances: LockedBalances,
    *,
    returnable: Mapping[int, Returnable] | None = None,
) -> Posting:
    """The values of the movements processing `document` makes (`deltas`, as the stock service
    computed them, to the locked `balances`): outgoing ones first, so that a transfer's
    destination gets exactly what left its source. A return (`returnable`: what its order
    shipped and got back, `inventory.selectors.returns`) brings stock in at what it left with
    (`returned_value`)."""
    # The last unit cost matters only where no stock is left to cost with: a balance that has
    # none, or that this takes below zero (the layers' remainders add up to what is on hand).
    bare = [key for key, delta in deltas.items() if balances[key].on_hand + min(delta, Decimal(0)) <= 0]
    book = load_book(balances, deltas, last_of=bare)
    by_product = {line.product_id: line for line in lines}
    posting = Posting()
    for key, delta in sorted(deltas.items()):
        if delta < 0:
            posting.plans[key] = book.take_out(key, -delta, document_id=document.pk)
    for key, delta in sorted(deltas.items()):
        if delta > 0:
            if document.doc_type == DocumentType.RETURN and returnable is not None:
                value = returned_value(delta, returnable[key[1]])
            else:
                value = _incoming_value(document, book, posting, key, delta, by_product[key[1]])
            posting.plans[key] = book.bring_in(key, delta, value, document_id=document.pk)
    return posting


def returned_value(quantity: Decimal, returnable: Returnable) -> Decimal:
    """The value of `quantity` coming back of what a sales order shipped: at the unit cost its
    movements took it out at, to the cent; the last of it gets exactly what is left of that
    value, so that the returns of an order bring back all that left with it, and no more."""
    if quantity == returnable.left:
        return returnable.shipped_value - returnable.returned_value
    return to_cent(returnable.shipped_value * quantity / returnable.shipped)


def _incoming_value(
    document: StockDocument, book: Book, posting: Posting, key: BalanceKey, quantity: Decimal, line: PricedLine
) -> Decimal:
    match document.doc_type:
        case DocumentType.RECEIPT:
            return to_cent(quantity * line.price)
        case DocumentType.TRANSFER:
            return -posting.plans[(document.warehouse_id, key[1])].value
        case _:  # an adjustment or a count's gain: at the current unit cost
            purchase_price = getattr(line.product, "purchase_price", Decimal(0))
            return to_cent(quantity * book.current_unit_cost(key, lambda: purchase_price))


def load_book(
    balances: LockedBalances, keys: Iterable[BalanceKey], *, last_of: Collection[BalanceKey] | None = None
) -> Book:
    """A book of the locked `balances` of `keys` under the costing method they were read with:
    their open layers, as the balance rows list them, and the newest layers and last unit costs
    of those of `last_of` (all of them when None; the book refuses to cost with the others'),
    read in one query, none when there are none to read."""
    keys = sorted(set(keys))
    wanted = keys if last_of is None else sorted(set(last_of))
    method = balances.costing_method or InventorySettings.current_costing_method()  # None: no settings saved yet
    layers = {key: _open_layers(key, balances[key]) for key in keys}
    newest: dict[BalanceKey, Layer] = {}
    last: dict[BalanceKey, Decimal] = {}
    if wanted:
        table, take = CostLayer._meta.db_table, LayerTake._meta.db_table
        with connection.cursor() as cursor:
            # Each wanted balance's newest layer, with its latest take out.
            cursor.execute(
                f"SELECT newest.*, t.quantity, t.value FROM unnest(%s::bigint[], %s::bigint[]) AS k(w, p) "
                f"CROSS JOIN LATERAL (SELECT {LAYER_COLUMNS} FROM {table} l "
                "WHERE l.product_id = k.p AND l.warehouse_id = k.w ORDER BY l.id DESC LIMIT 1) newest "
                f"LEFT JOIN LATERAL (SELECT quantity, value FROM {take} t WHERE t.layer_id = newest.id "
                "AND t.quantity < 0 ORDER BY t.id DESC LIMIT 1) t ON true",
                [number_array(w for w, _ in wanted), number_array(p for _, p in wanted)],
            )
            rows = cursor.fetchall()
        for layer_id, w, p, document_id, quantity, value, taken, taken_value in rows:
            key = (w, p)
            layer = next((open_ for open_ in layers[key] if open_.id == layer_id), None)
            if layer is None:  # closed: nothing left of it
                layer = Layer(key, document_id, quantity, value, Decimal(0), Decimal(0), id=layer_id, order=layer_id)
            layer.document_id, layer.quantity, layer.value = document_id, quantity, value
            newest[key] = layer
            if method == CostingMethod.AVERAGE and taken is not None:
                last[key] = taken_value / taken
            elif quantity:
                last[key] = value / quantity
    return Book(method, layers, last, newest_layers=newest, unread_last=frozenset(keys) - frozenset(wanted))


def _open_layers(key: BalanceKey, balance: LockedBalance) -> list[Layer]:
    """The open layers the locked balance lists, oldest first (what is left of them only)."""
    return [
        Layer(key, None, None, None, remaining, value, id=layer_id, order=layer_id)
        for layer_id, remaining, value in zip(
            balance.layer_ids, balance.layer_remaining, balance.layer_values, strict=True
        )
    ]


def _layer(row) -> Layer:
    """A layer read whole (`LAYER_COLUMNS`), nothing left of it until the caller says."""
    id_, w, p, document_id, quantity, value = row[:6]
    return Layer((w, p), document_id, quantity, value, Decimal(0), Decimal(0), id=id_, order=id_)


def plan_cancellation(document: StockDocument, balances: LockedBalances, *, by: Actor) -> Posting:
    """The reversal of the costs the document's last processing posted (to the locked
    `balances`): the layers it took from get back what it took, the layers it made are emptied.
    Refused (`DocumentStateError`, naming them) when other documents have taken from the layers
    it made, or from an average pool after it added to it."""
    moves = _last_processing_moves(document)
    if not moves:
        return Posting()
    own, takes, adjustments, take_ids = _load_posted(moves, balances)
    _refuse_if_used(document, own, takes, take_ids, by=by)
    book = Book(balances.costing_method or InventorySettings.current_costing_method(), {}, {})
    posting = Posting()
    for move_id, key in moves.items():
        posting.plans[key] = book.undo(takes[move_id], adjustments[move_id], own[move_id])
    return posting


def _last_processing_moves(document: StockDocument) -> dict[int, BalanceKey]:
    """The movements of the document's last processing (after its last reversal, if any)."""
    table = StockMove._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, warehouse_id, product_id FROM {table} WHERE document_id = %s AND NOT is_reversal "
            f"AND id > COALESCE((SELECT max(id) FROM {table} WHERE document_id = %s AND is_reversal), 0)",
            [document.pk, document.pk],
        )
        return {move_id: (w, p) for move_id, w, p in cursor.fetchall()}


def _load_posted(moves: dict[int, BalanceKey], balances: LockedBalances):
    """The layers the movements made, and their takes and adjustments, on shared Layer objects
    (with what their locked balances list of them left)."""
    layers: dict[int, Layer] = {}
    own: dict[int, list[Layer]] = defaultdict(list)
    takes: dict[int, list[Change]] = defaultdict(list)
    adjustments: dict[int, list[Change]] = defaultdict(list)
    take_ids: dict[int, int] = {}  # id() of a take's Change → its row id
    ids = list(moves)
    layer_table, take_table, adjustment_table = (
        CostLayer._meta.db_table,
        LayerTake._meta.db_table,
        ValueAdjustment._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {LAYER_COLUMNS}, move_id FROM {layer_table} WHERE move_id = ANY(%s) OR id IN ("
            f"SELECT layer_id FROM {take_table} WHERE move_id = ANY(%s) "
            f"UNION SELECT layer_id FROM {adjustment_table} WHERE move_id = ANY(%s)) ORDER BY id",
            [ids, ids, ids],
        )
        left = {
            layer_id: (remaining, value)
            for key in set(moves.values())
            for layer_id, remaining, value in zip(
                balances[key].layer_ids, balances[key].layer_remaining, balances[key].layer_values, strict=True
            )
        }
        for row in cursor.fetchall():
            layer = layers[row[0]] = _layer(row)
            layer.remaining, layer.remaining_value = left.get(row[0], (Decimal(0), Decimal(0)))
            if row[-1] in moves:
                own[row[-1]].append(layer)
        cursor.execute(
            f"SELECT id, move_id, layer_id, quantity, value FROM {take_table} WHERE move_id = ANY(%s) ORDER BY id",
            [ids],
        )
        for take_id, move_id, layer_id, quantity, value in cursor.fetchall():
            change = Change(layers[layer_id], quantity, value)
            takes[move_id].append(change)
            take_ids[id(change)] = take_id
        cursor.execute(
            f"SELECT move_id, layer_id, quantity, value FROM {adjustment_table} WHERE move_id = ANY(%s) ORDER BY id",
            [ids],
        )
        for move_id, layer_id, quantity, value in cursor.fetchall():
            adjustments[move_id].append(Change(layers[layer_id], quantity, value))
    return own, takes, adjustments, take_ids


def _refuse_if_used(document, own, takes, take_ids, *, by: Actor) -> None:
    """Refuse cancelling when other documents' movements still hold what this one brought in:
    net takes of the layers it made (or covers of a shortfall it made: the stock that came later
    went to make up for it, and the refusal says to give the stock back with an adjustment), or
    takes of an average pool (or of a shortfall it covered) after it added to it by the other
    documents' current processings (a reversal after it undoes a processing before it: it holds
    nothing of it)."""
    own_ids = [layer.id for layers in own.values() for layer in layers]
    shortfalls = [layer.id for layers in own.values() for layer in layers if (layer.quantity or 0) < 0]
    added = [
        (take.layer.id, take_ids[id(take)])
        for changes in takes.values()
        for take in changes
        if take.quantity > 0 and take.layer.id not in own_ids
    ]
    take_table, move_table = LayerTake._meta.db_table, StockMove._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.document_id, t.layer_id = ANY(%s) FROM {take_table} t JOIN {move_table} m ON m.id = t.move_id "
            "WHERE t.layer_id = ANY(%s) AND m.document_id <> %s "
            "GROUP BY m.document_id, t.layer_id HAVING SUM(t.quantity) <> 0 "
            f"UNION SELECT m.document_id, false FROM {take_table} t JOIN {move_table} m ON m.id = t.move_id "
            "JOIN unnest(%s::bigint[], %s::bigint[]) AS a(layer, after) ON t.layer_id = a.layer AND t.id > a.after "
            "WHERE m.document_id <> %s AND NOT m.is_reversal AND m.id > COALESCE("
            f"(SELECT max(r.id) FROM {move_table} r WHERE r.document_id = m.document_id AND r.is_reversal), 0) "
            "GROUP BY m.document_id, t.layer_id HAVING SUM(t.quantity) < 0",
            [
                shortfalls,
                own_ids,
                document.pk,
                [layer for layer, _ in added],
                [after for _, after in added],
                document.pk,
            ],
        )
        rows = cursor.fetchall()
    users = sorted({user for user, _covered in rows})
    if not users:
        return
    documents = StockDocument.objects.filter(pk__in=users).order_by("pk")
    visible = [d.number for d in documents if can(by, document_right("view", d.doc_type), d)]
    hidden = len(users) - len(visible)
    names = ", ".join(visible)
    if hidden:
        others = ngettext("%(count)d other document", "%(count)d other documents", hidden) % {"count": hidden}
        names = f"{names}, {others}" if names else others
    if all(covered for _user, covered in rows):  # stock that came later filled what it took short
        text = _(
            "%(number)s cannot be cancelled: it took more than there was, and the stock that made up for it has "
            "since come in with %(documents)s. To give the stock back, process an adjustment instead."
        )
    else:
        text = _(
            "%(number)s cannot be cancelled: the stock it brought in has been used by %(documents)s. "
            "Cancel those first."
        )
    raise DocumentStateError(text % {"number": document.number, "documents": names})


@cache
def layers_sql() -> tuple[str, str, str, str]:
    """What the balances' UPDATE of `apply_movements` adds for their open layers (`layer_arrays`
    gives the parameters): to its SET, each balance's slice of three arrays, its new layer's id
    (0 in them) drawn from the layers' sequence as the row is written; to its `unnest`, the
    slices' bounds and whether there is a new layer (types, then names); to its RETURNING, the
    new layer's id as `new_layer`."""
    sequence = f"nextval(pg_get_serial_sequence('{CostLayer._meta.db_table}', 'id'))"
    return (
        f", layer_ids = CASE WHEN v.new_open THEN array_replace((%s::bigint[])[v.lo:v.hi], 0, {sequence}) "
        "ELSE (%s::bigint[])[v.lo:v.hi] END, "
        "layer_remaining = (%s::numeric[])[v.lo:v.hi], layer_values = (%s::numeric[])[v.lo:v.hi]",
        ", %s::int[], %s::int[], %s::boolean[]",
        ", lo, hi, new_open",
        ", CASE WHEN v.new_open THEN b.layer_ids[cardinality(b.layer_ids)] END AS new_layer",
    )


def layer_arrays(posting: Posting, balances: LockedBalances, keys: Sequence[BalanceKey]) -> tuple[list, list]:
    """The parameters of `layers_sql`'s SET and `unnest` parts for the balances of `keys`, in
    their order: what each lists of its open layers once `posting` is written (the layers it
    listed, as the posting leaves them, and its new layer, last, if anything is left of it),
    without the layers left with nothing."""
    ids: list[int] = []
    remaining: list[Decimal] = []
    values: list[Decimal] = []
    lows, highs, new_open = [], [], []
    for key in keys:
        balance = balances[key]
        plan = posting.plans.get(key)
        left = dict(
            zip(balance.layer_ids, zip(balance.layer_remaining, balance.layer_values, strict=True), strict=True)
        )
        for change in plan.takes if plan is not None else ():
            left[_saved(change.layer)] = (change.layer.remaining, change.layer.remaining_value)
        lows.append(len(ids) + 1)
        for layer_id in sorted(left):
            layer_remaining, layer_value = left[layer_id]
            if layer_remaining != 0:
                ids.append(layer_id)
                remaining.append(layer_remaining)
                values.append(layer_value)
        fresh = plan.new_layer if plan is not None else None
        new_open.append(fresh is not None and fresh.remaining != 0)
        if fresh is not None and fresh.remaining != 0:
            ids.append(0)
            remaining.append(fresh.remaining)
            values.append(fresh.remaining_value)
        highs.append(len(ids))
    flat = number_array(ids)
    return (
        [flat, flat, number_array(remaining), number_array(values)],
        [number_array(lows), number_array(highs), "{" + ",".join("t" if x else "f" for x in new_open) + "}"],
    )


def posting_sql(posting: Posting) -> tuple[str, list]:
    """The SQL that writes the rest of what `posting` planned, as common table expressions for
    the statement of `inventory.services.stock.apply_movements` that makes the movements and
    updates the balances (`layers_sql`: their open layers); they join its `moved` rows (`id,
    warehouse_id, product_id`) and `changed` rows (`warehouse_id, product_id, new_layer`) on
    the balance, and their parameters: the new layers, the takes, the adjustments and the
    movements' values, in one round trip with the movements (the takes and adjustments only
    ever concern layers saved before this posting)."""
    plans = sorted(posting.plans.items())
    new = [(key, _brought(plan.new_layer)) for key, plan in plans if plan.new_layer is not None]
    takes = [(key, change) for key, plan in plans for change in plan.takes]
    adjustments = [(key, a) for key, plan in plans for a in plan.adjustments]
    layers, take, adjustment, cost = (
        model._meta.db_table for model in (CostLayer, LayerTake, ValueAdjustment, MoveCost)
    )
    # Rows in the order of their arrays (the layers' and the takes' ids follow it). A kind of row
    # the posting has none of is left out of the statement (each shape is prepared once).
    moved = "JOIN moved m ON m.warehouse_id = v.w AND m.product_id = v.p ORDER BY v.n"
    parts: list[tuple[str, list]] = []
    if new:
        parts.append(
            (
                f"new_layers AS (INSERT INTO {layers} "
                "(id, warehouse_id, product_id, move_id, document_id, quantity, value) "
                f"SELECT COALESCE(c.new_layer, nextval(pg_get_serial_sequence('{layers}', 'id'))), "
                "v.w, v.p, m.id, v.document, v.quantity, v.value "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[]) "
                "WITH ORDINALITY AS v(w, p, document, quantity, value, n) "
                f"JOIN changed c ON c.warehouse_id = v.w AND c.product_id = v.p {moved})",
                [
                    number_array(key[0] for key, _ in new),
                    number_array(key[1] for key, _ in new),
                    number_array(document_id for _, (document_id, _q, _v) in new),
                    number_array(quantity for _, (_d, quantity, _v) in new),
                    number_array(value for _, (_d, _q, value) in new),
                ],
            )
        )
    changes_of = (
        ("takes", take, "move_id, layer_id, quantity, value", "m.id, v.layer, v.quantity, v.value", takes),
        (
            "adjustments",
            adjustment,
            "warehouse_id, product_id, move_id, layer_id, quantity, value, created_at",
            "v.w, v.p, m.id, v.layer, v.quantity, v.value, now()",
            adjustments,
        ),
    )
    for name, table, columns, values, changes in changes_of:
        if not changes:
            continue
        parts.append(
            (
                f"{name} AS (INSERT INTO {table} ({columns}) SELECT {values} "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[]) "
                f"WITH ORDINALITY AS v(w, p, layer, quantity, value, n) {moved})",
                [
                    number_array(key[0] for key, _ in changes),
                    number_array(key[1] for key, _ in changes),
                    number_array(_saved(change.layer) for _, change in changes),
                    number_array(change.quantity for _, change in changes),
                    number_array(change.value for _, change in changes),
                ],
            )
        )
    parts.append(
        (
            f"costs AS (INSERT INTO {cost} (move_id, value) SELECT m.id, v.value "
            f"FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[]) WITH ORDINALITY AS v(w, p, value, n) {moved})",
            [
                number_array(key[0] for key, _ in plans),
                number_array(key[1] for key, _ in plans),
                number_array(plan.value for _, plan in plans),
            ],
        )
    )
    sql = "".join(f", {part}" for part, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    return sql, params


def _brought(layer: Layer) -> tuple[int, Decimal, Decimal]:
    """The document, quantity and value of a layer this posting makes."""
    if layer.document_id is None or layer.quantity is None or layer.value is None:
        raise RuntimeError("a new layer without what it brought in")
    return layer.document_id, layer.quantity, layer.value


def _saved(layer: Layer) -> int:
    """The id of a layer that is in the database: loaded, or made by this posting and saved."""
    if layer.id is None:
        raise RuntimeError("a change of a layer that was never saved")
    return layer.id
