"""Every cost recomputed from the ledger under a costing method: what a change of method runs
(in the background, `inventory.tasks`) and `manage.py recompute_costs` (for ledgers posted
before costing existed, and the benchmark).

The replay runs the posting's own rules (`inventory.valuation.Book`) over the movements in id
order, event by event: the movements one statement wrote for one document, a processing or a
cancellation. A processing plans as `inventory.services.costing.plan_processing` does
(outgoing first, then incoming: a receipt at the value it was posted with, a transfer at what
its source gave, a return at what its order's replayed movements took out (`returned_value`),
an adjustment or a count's gain at the current unit cost, or, into a balance that never had a
layer, at the value it was posted with, the product's purchase price then);
a cancellation undoes what the document's last processing planned, as `plan_cancellation`
does. Before each event the book holds what `load_book` would read for its balances (the
layers with a remainder, the last unit costs), so both get the same figures.

It runs in three steps, and documents can be processed throughout:
1. the snapshot: the last movement id once every posting in flight has committed
   (`lock_ledger` for a moment);
2. the replay up to it, outside any lock, reading `chunk_size` movements at a time by id:
   what it plans goes to temporary tables (COPY) as it is made (movement values, layer takes,
   value adjustments; layers once their remainder is gone), open layers stay in memory; then
   catch-up rounds the same way while much was posted meanwhile;
3. the swap, one transaction under `lock_ledger`: replay the rest, replace the cost
   tables' rows with the temporary tables' ones, set the balances' values and open layers and
   the method.
   Processing waits meanwhile, and so do reads of the cost tables (TRUNCATE): seconds, about
   five per million movements.
Until the swap, processing posts with the old method; the swap replays what it posted.
"""

from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import Actor, acting_user
from inventory.locks import (
    BalanceKey,
    hold_recompute_runner,
    lock_ledger,
    recompute_runners,
    release_recompute_runner,
)
from inventory.models import (
    CostingMethod,
    CostLayer,
    DocumentLine,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    Product,
    StockBalance,
    StockDocument,
    StockMove,
    ValueAdjustment,
)
from inventory.models.costing import ACTIVE_STATUSES, CostRecompute, RecomputeStatus
from inventory.selectors.returns import Returnable, returnable_params, returnable_sql
from inventory.services.costing import returned_value
from inventory.services.stock_days import rebuild_sales_days, rebuild_stock_days
from inventory.valuation import Book, Change, Layer, Plan, to_cent

CHUNK_SIZE = 20_000
# Movements of one statement are consecutive unless another statement inserted at the same
# moment: an event takes the movements of its document read up to this many ids after its
# last one (events of one document never interleave: the document is locked).
WINDOW = 10_000
CATCH_UP = 5_000  # more movements than this posted during a round: replay them before the swap
CATCH_UP_ROUNDS = 3

Progress = Callable[[int, int], None]  # (movements done, movements in all)

COST_MODELS = (CostLayer, LayerTake, ValueAdjustment, MoveCost)
_LAYER_COLUMNS = (
    "id",
    "warehouse_id",
    "product_id",
    "move_id",
    "document_id",
    "quantity",
    "value",
    "remaining",
    "remaining_value",
)
_TEMP = {
    "recompute_layer": "id bigint PRIMARY KEY, warehouse_id bigint, product_id bigint, move_id bigint, "
    "document_id bigint, quantity numeric, value numeric, remaining numeric, remaining_value numeric",
    "recompute_take": "seq bigint, move_id bigint, layer_id bigint, quantity numeric, value numeric",
    "recompute_adjustment": "seq bigint, warehouse_id bigint, product_id bigint, move_id bigint, "
    "layer_id bigint, quantity numeric, value numeric",
    "recompute_cost": "move_id bigint, value numeric",
}
_TEMP_INDEXES = (
    "CREATE INDEX ON recompute_layer (move_id)",
    "CREATE INDEX ON recompute_take (move_id)",
    "CREATE INDEX ON recompute_adjustment (move_id)",
)


class Move:
    """One movement as the replay reads it, with what its document says about it."""

    __slots__ = (
        "id",
        "document_id",
        "key",
        "quantity",
        "is_reversal",
        "created_at",
        "doc_type",
        "source",
        "posted",
        "price",
        "returned_from",
    )

    def __init__(self, row: Sequence) -> None:
        self.id, self.document_id, w, p, self.quantity, self.is_reversal, self.created_at = row[:7]
        self.key: BalanceKey = (w, p)
        # The document's type and warehouse (a transfer's source); the value the movement was
        # posted with (None before costing); the price it would have been posted at without
        # one (a receipt's line price, the product's purchase price); a return's sales order.
        self.doc_type, self.source, self.posted, self.price, self.returned_from = row[7:]


class Event:
    __slots__ = ("document_id", "is_reversal", "created_at", "moves", "last_id")

    def __init__(self, move: Move) -> None:
        self.document_id, self.is_reversal, self.created_at = move.document_id, move.is_reversal, move.created_at
        self.moves = [move]
        self.last_id = move.id


class Events:
    """Groups movements read in id order into events (same document, reversal flag and
    transaction time), handed out in the order of their first movements once complete."""

    def __init__(self) -> None:
        self.queue: deque[Event] = deque()
        self.open: dict[int, Event] = {}  # document → its newest event

    def add(self, move: Move) -> Iterator[Event]:
        event = self.open.get(move.document_id)
        if event is not None and (event.is_reversal, event.created_at) == (move.is_reversal, move.created_at):
            event.moves.append(move)
            event.last_id = move.id
        else:
            event = self.open[move.document_id] = Event(move)
            self.queue.append(event)
        while self.queue and self.queue[0].last_id < move.id - WINDOW:
            yield self._pop()

    def finish(self) -> Iterator[Event]:
        while self.queue:
            yield self._pop()

    def _pop(self) -> Event:
        event = self.queue.popleft()
        if self.open.get(event.document_id) is event:
            del self.open[event.document_id]
        return event


class Replay:
    """The book of every balance, fed event by event; what it plans is written to the
    temporary tables."""

    def __init__(self, method: str) -> None:
        self.book = Book(method, {}, {})
        self.last_layer_id = 0
        self.seq = 0
        self.costs: list[tuple] = []
        self.takes: list[tuple] = []
        self.adjustments: list[tuple] = []
        self.layers: list[tuple] = []  # layers without remainder, never to change again unless reopened
        self.costs_indexed = False  # recompute_cost gets its index when a return first needs it

    def run(self, event: Event) -> None:
        moves = sorted(event.moves, key=lambda move: move.key)
        keys = [move.key for move in moves]
        seen = [layer for key in keys for layer in self.book.layers.get(key, ())]
        if event.is_reversal:
            planned = self._cancellation(event, moves, seen)
        else:
            planned = self._processing(moves)
        self._record(planned, seen)

    def _processing(self, moves: list[Move]) -> list[tuple[Move, Plan]]:
        book = self.book
        plans: dict[BalanceKey, Plan] = {}
        for move in moves:
            if move.quantity < 0:
                plans[move.key] = book.take_out(move.key, -move.quantity, document_id=move.document_id, ref=move.id)
        returned = self._returnable(moves) if moves[0].doc_type == DocumentType.RETURN else {}
        for move in moves:
            if move.quantity > 0:
                if move.key[1] in returned:
                    value = returned_value(move.quantity, returned[move.key[1]])
                else:
                    value = self._incoming_value(move, plans)
                plans[move.key] = book.bring_in(
                    move.key, move.quantity, value, document_id=move.document_id, ref=move.id
                )
        return [(move, plans[move.key]) for move in moves]

    def _returnable(self, moves: list[Move]) -> dict[int, Returnable]:
        """What the return whose processing wrote `moves` may bring back of its order, as
        `returnable` reads it then, but from the values replayed so far (its order's movements
        and its earlier returns'): product id → `Returnable`, for the products valued."""
        self.flush()
        with connection.cursor() as cursor:
            if not self.costs_indexed:
                cursor.execute("CREATE INDEX ON recompute_cost (move_id)")
                self.costs_indexed = True
            first = min(moves, key=lambda move: move.id)
            sql = returnable_sql("recompute_cost", before_move=True)
            cursor.execute(sql, returnable_params(first.returned_from, first.key[0], first.id))
            found = {product: Returnable(*figures) for product, *figures in cursor.fetchall()}
        return {product: figures for product, figures in found.items() if figures.shipped > 0}

    def _incoming_value(self, move: Move, plans: dict[BalanceKey, Plan]) -> Decimal:
        if move.doc_type == DocumentType.TRANSFER:
            return -plans[(move.source, move.key[1])].value
        if move.doc_type not in (DocumentType.RECEIPT, DocumentType.RETURN) and self.book.has_history(move.key):
            return to_cent(move.quantity * self.book.current_unit_cost(move.key, lambda: move.price))
        # A receipt, a return of goods that left without a value, or stock into a balance that
        # never had a layer: as it was posted.
        return move.posted if move.posted is not None else to_cent(move.quantity * (move.price or 0))

    def _cancellation(self, event: Event, moves: list[Move], seen: list[Layer]) -> list[tuple[Move, Plan]]:
        self.flush(costs=False)
        posted, takes, adjustments, own = self._load_posted(event, seen)
        reversal = {move.key: move for move in moves}
        return [
            (reversal[key], self.book.undo(takes[move_id], adjustments[move_id], own[move_id]))
            for move_id, key in posted.items()
        ]

    def _load_posted(self, event: Event, seen: list[Layer]):
        """The movements of the document's last processing before `event`, and what they
        planned, on the book's layers: open ones are in memory, the others come back from the
        temporary table (and join `seen`). One statement."""
        in_memory = {layer.id: layer for layer in seen}
        posted: dict[int, BalanceKey] = {}
        takes: dict[int, list[Change]] = defaultdict(list)
        adjustments: dict[int, list[Change]] = defaultdict(list)
        changes = []
        with connection.cursor() as cursor:
            cursor.execute(_posted_sql(), [event.document_id, event.moves[0].id] * 2)
            for kind, a, b, c, quantity, value, remaining, remaining_value, move_id, document_id in cursor.fetchall():
                if kind == _POSTED:
                    posted[a] = (b, c)
                elif kind == _CLOSED:
                    layer = Layer((b, c), document_id, quantity, value, remaining, remaining_value, a, move_id, a)
                    in_memory[a] = layer
                    seen.append(layer)
                else:
                    changes.append((kind, b, c, quantity, value))
        for kind, move_id, layer_id, quantity, value in changes:  # in the order they were made
            (adjustments if kind == _ADJUSTMENT else takes)[move_id].append(
                Change(in_memory[layer_id], quantity, value)
            )
        own: dict[object, list[Layer]] = defaultdict(list)  # by the movement that made them
        for layer in in_memory.values():
            if layer.ref in posted:
                own[layer.ref].append(layer)
        return posted, takes, adjustments, own

    def _record(self, planned: list[tuple[Move, Plan]], seen: list[Layer]) -> None:
        """Name the new layers (ids in key order, as `posting_sql` writes them), buffer the
        rows, and leave the book as `load_book` would read it: open layers with a remainder;
        layers left without remainder are written out."""
        book = self.book
        for move, plan in planned:
            key, layer = move.key, plan.new_layer
            if layer is not None:
                self.last_layer_id += 1
                layer.id = layer.order = self.last_layer_id
                seen.append(layer)
            self.costs.append((move.id, plan.value))
            for change in plan.takes:
                self.seq += 1
                self.takes.append((self.seq, move.id, change.layer.id, change.quantity, change.value))
            for change in plan.adjustments:
                self.seq += 1
                self.adjustments.append((self.seq, *key, move.id, change.layer.id, change.quantity, change.value))
        kept: set[int] = set()
        for move, _plan in planned:
            open_ = [layer for layer in book.layers.get(move.key, ()) if layer.remaining != 0]
            if open_:
                book.layers[move.key] = open_
                kept.update(id(layer) for layer in open_)
            else:
                book.layers.pop(move.key, None)
        self.layers.extend(_layer_row(layer) for layer in dict.fromkeys(seen) if id(layer) not in kept)

    def flush(self, *, costs: bool = True) -> None:
        """Send the buffered rows to the temporary tables (the movements' values but with
        `costs` false: a cancellation looks up the others)."""
        with connection.cursor() as cursor:
            for table, rows in (
                ("recompute_cost", self.costs if costs else []),
                ("recompute_take", self.takes),
                ("recompute_adjustment", self.adjustments),
                ("recompute_layer", self.layers),
            ):
                if rows:
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    rows.clear()

    def open_layers(self) -> None:
        """Buffer the layers still open (for the swap)."""
        self.layers.extend(_layer_row(layer) for layers in self.book.layers.values() for layer in layers)


def _layer_row(layer: Layer) -> tuple:
    return (
        layer.id,
        *layer.key,
        layer.ref,
        layer.document_id,
        layer.quantity,
        layer.value,
        layer.remaining,
        layer.remaining_value,
    )


_POSTED, _TAKE, _ADJUSTMENT, _CLOSED = range(4)


@cache
def _posted_sql() -> str:
    """The movements of a document's last processing before a movement (as
    `inventory.services.costing` finds them), their takes and adjustments in the order they
    were made, and the layers of either that are closed (taken out of the temporary table)."""
    table = StockMove._meta.db_table
    return (
        f"WITH posted AS (SELECT id, warehouse_id, product_id FROM {table} WHERE document_id = %s "
        f"AND NOT is_reversal AND id < %s AND id > COALESCE((SELECT max(id) FROM {table} "
        "WHERE document_id = %s AND is_reversal AND id < %s), 0)), "
        f"changes AS (SELECT {_TAKE} AS kind, t.seq, t.move_id, t.layer_id, t.quantity, t.value "
        "FROM recompute_take t WHERE t.move_id = ANY(ARRAY(SELECT id FROM posted)) "
        f"UNION ALL SELECT {_ADJUSTMENT}, a.seq, a.move_id, a.layer_id, a.quantity, a.value "
        "FROM recompute_adjustment a WHERE a.move_id = ANY(ARRAY(SELECT id FROM posted))), "
        # Arrays, not IN (…): the temporary tables have no statistics, an array lets their
        # indexes be used whatever the planner guesses of their sizes.
        "closed AS (DELETE FROM recompute_layer WHERE id = ANY(ARRAY(SELECT layer_id FROM changes)) "
        f"OR move_id = ANY(ARRAY(SELECT id FROM posted)) RETURNING {', '.join(_LAYER_COLUMNS)}) "
        f"SELECT {_POSTED}, id, warehouse_id, product_id, NULL::numeric, NULL::numeric, NULL::numeric, "
        "NULL::numeric, NULL::bigint, NULL::bigint FROM posted "
        "UNION ALL SELECT kind, seq, move_id, layer_id, quantity, value, NULL, NULL, NULL, NULL FROM changes "
        f"UNION ALL SELECT {_CLOSED}, id, warehouse_id, product_id, quantity, value, remaining, remaining_value, "
        "move_id, document_id FROM closed ORDER BY 1, 2"
    )


@cache
def _moves_sql() -> str:
    """A page of movements, with their documents' type and warehouse, the value they were
    posted with, and the price they would have been posted at without one."""
    move, document, cost = StockMove._meta.db_table, StockDocument._meta.db_table, MoveCost._meta.db_table
    line, product = DocumentLine._meta.db_table, Product._meta.db_table
    return (
        "SELECT m.id, m.document_id, m.warehouse_id, m.product_id, m.quantity, m.is_reversal, m.created_at::text, "
        "d.doc_type, d.warehouse_id, c.value, "
        "CASE WHEN c.value IS NULL AND m.quantity > 0 AND NOT m.is_reversal THEN CASE WHEN d.doc_type = %s "
        f"THEN (SELECT l.price FROM {line} l WHERE l.document_id = m.document_id AND l.product_id = m.product_id "
        f"ORDER BY l.id DESC LIMIT 1) "
        f"ELSE (SELECT p.purchase_price FROM {product} p WHERE p.id = m.product_id) END END, d.returned_from_id "
        f"FROM {move} m JOIN {document} d ON d.id = m.document_id LEFT JOIN {cost} c ON c.move_id = m.id "
        "WHERE m.id > %s AND m.id <= %s ORDER BY m.id LIMIT %s"
    )


class Recompute:
    """One run: the replay, the movements read so far, the progress report."""

    def __init__(self, method: str, chunk_size: int, progress: Progress | None) -> None:
        self.replay = Replay(method)
        self.events = Events()
        self.chunk_size = chunk_size
        self.progress = progress
        self.done = 0
        self.total = 0
        self.upto = 0  # the last movement id read

    def read_to(self, last: int) -> None:
        """Replay the movements after `upto` up to id `last` (every one of them committed)."""
        sql = _moves_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {StockMove._meta.db_table} WHERE id > %s AND id <= %s", [self.upto, last]
            )
            self.total += cursor.fetchone()[0]
            while True:
                cursor.execute(sql, [DocumentType.RECEIPT, self.upto, last, self.chunk_size])
                rows = cursor.fetchall()
                for row in rows:
                    move = Move(row)
                    for event in self.events.add(move):
                        self.replay.run(event)
                if rows:
                    self.upto = rows[-1][0]
                    self.done += len(rows)
                self.replay.flush()
                if self.progress is not None:
                    self.progress(self.done, self.total)
                if len(rows) < self.chunk_size:
                    break
        self.upto = last
        for event in self.events.finish():
            self.replay.run(event)
        self.replay.flush()


@transaction.atomic
def queue_recompute(method: str, *, by: Actor | None = None) -> CostRecompute:
    """Record a recompute under `method`, queued (`run_recompute` runs it). Refused while
    another one is queued or running (one whose runner has stopped no longer counts)."""
    InventorySettings.load()
    current = InventorySettings.objects.select_for_update().get(pk=1)  # one change at a time
    fail_interrupted()
    if CostRecompute.objects.filter(status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("The costs are being recomputed already; wait until it has finished."))
    return CostRecompute.objects.create(
        method=method,
        previous_method=current.costing_method,
        requested_by=acting_user(by) if by is not None else None,
    )


def run_recompute(recompute_id: int, *, progress: Progress | None = None) -> CostRecompute:
    """Run a queued recompute, reporting its progress in its row (and to `progress`); its
    status ends done, or failed with the error (raised again). It holds its runner's lock
    while it runs (`fail_interrupted` tells a run whose process died by its absence)."""
    hold_recompute_runner(recompute_id)  # before it shows as running
    try:
        return _run(recompute_id, progress)
    finally:
        release_recompute_runner(recompute_id)


def _run(recompute_id: int, progress: Progress | None) -> CostRecompute:
    rows = CostRecompute.objects.filter(pk=recompute_id)
    if not rows.filter(status=RecomputeStatus.QUEUED).update(status=RecomputeStatus.RUNNING, started_at=timezone.now()):
        raise ValidationError(_("This recompute has run already."))
    recompute = rows.get()

    def report(done: int, total: int) -> None:
        rows.update(moves_done=done, moves_total=total)
        if progress is not None:
            progress(done, total)

    try:
        done = replay_costs(recompute.method, progress=report)
    except BaseException as error:
        rows.update(status=RecomputeStatus.FAILED, finished_at=timezone.now(), error=str(error) or repr(error))
        raise
    rows.update(status=RecomputeStatus.DONE, finished_at=timezone.now(), moves_done=done, moves_total=done)
    return rows.get()


# Stored untranslated, shown in the reader's language (the page translates a known error).
INTERRUPTED = gettext_noop(
    "Interrupted: the process running it stopped before it finished. Choose the method again to start over."
)


def fail_interrupted() -> int:
    """Mark as failed the recomputes shown as running whose runner has stopped (its process
    was killed, or the machine went down): nothing of theirs was kept, since the costs change
    in one transaction at the end. Returns how many."""
    running = list(CostRecompute.objects.filter(status=RecomputeStatus.RUNNING).values_list("pk", flat=True))
    dead = set(running) - recompute_runners(running)
    # Only those still shown as running: a run that has just ended keeps its status.
    return CostRecompute.objects.filter(pk__in=dead, status=RecomputeStatus.RUNNING).update(
        status=RecomputeStatus.FAILED, finished_at=timezone.now(), error=INTERRUPTED
    )


def replay_costs(method: str | None = None, *, chunk_size: int = CHUNK_SIZE, progress: Progress | None = None) -> int:
    """Recompute every cost from the ledger under `method` (default: the current one) and make
    it the costing method. `progress(done, total)` is called as movements are replayed.
    Returns the number of movements replayed."""
    method = method or InventorySettings.current_costing_method()
    if method not in CostingMethod.values:
        raise ValueError(f"unknown costing method {method!r}")
    _create_temporary_tables()
    run = Recompute(method, chunk_size, progress)
    run.read_to(_snapshot())
    for _round in range(CATCH_UP_ROUNDS):
        last = _snapshot()
        if last - run.upto <= CATCH_UP:
            break
        run.read_to(last)
    with transaction.atomic():
        lock_ledger()
        run.read_to(_last_move_id())
        run.replay.open_layers()
        run.replay.flush()
        _swap(method)
    _drop_temporary_tables()  # a failed run leaves them to the next one (or the session's end)
    return run.done


def _snapshot() -> int:
    """The last movement id once every posting in flight has committed: each movement up to
    it is visible, each later one gets a larger id."""
    with transaction.atomic():
        lock_ledger()
        return _last_move_id()


def _last_move_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {StockMove._meta.db_table}")
        return cursor.fetchone()[0]


def _create_temporary_tables() -> None:
    with connection.cursor() as cursor:
        for table, columns in _TEMP.items():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
        for sql in _TEMP_INDEXES:
            cursor.execute(sql)


def _drop_temporary_tables() -> None:
    with connection.cursor() as cursor:
        for table in _TEMP:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _swap(method: str) -> None:
    """Replace the cost tables' rows with the replay's, set the balances' values (the sum of
    their layers' remaining values) and open layers, their days' values, and the method. Under
    `lock_ledger`."""
    layer, take, adjustment, cost = (model._meta.db_table for model in COST_MODELS)
    balance, move = StockBalance._meta.db_table, StockMove._meta.db_table
    columns = ", ".join(column for column in _LAYER_COLUMNS if column not in ("remaining", "remaining_value"))
    with connection.cursor() as cursor:
        # TRUNCATE refuses tables with foreign key checks still pending in the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {take}, {adjustment}, {layer}, {cost} RESTART IDENTITY")
        with _bulk_load(cursor, [layer, take, adjustment, cost]):
            cursor.execute(f"INSERT INTO {layer} ({columns}) SELECT {columns} FROM recompute_layer ORDER BY id")
            cursor.execute(
                f"INSERT INTO {take} (move_id, layer_id, quantity, value) "
                "SELECT move_id, layer_id, quantity, value FROM recompute_take ORDER BY seq"
            )
            cursor.execute(
                f"INSERT INTO {adjustment} (warehouse_id, product_id, move_id, layer_id, quantity, value, created_at) "
                "SELECT a.warehouse_id, a.product_id, a.move_id, a.layer_id, a.quantity, a.value, m.created_at "
                f"FROM recompute_adjustment a JOIN {move} m ON m.id = a.move_id ORDER BY a.seq"
            )
            cursor.execute(f"INSERT INTO {cost} (move_id, value) SELECT move_id, value FROM recompute_cost ORDER BY 1")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{layer}', 'id'), COALESCE(max(id), 0) + 1, false) FROM {layer}"
        )
        # Each balance: its value and its open layers, oldest first.
        cursor.execute(
            f"UPDATE {balance} b SET value = s.value, layer_ids = s.ids, layer_remaining = s.remaining, "
            "layer_values = s.remaining_values FROM (SELECT b.id, COALESCE(sum(l.remaining_value), 0) AS value, "
            "COALESCE(array_agg(l.id ORDER BY l.id) FILTER (WHERE l.remaining <> 0), '{}') AS ids, "
            "COALESCE(array_agg(l.remaining ORDER BY l.id) FILTER (WHERE l.remaining <> 0), '{}') AS remaining, "
            "COALESCE(array_agg(l.remaining_value ORDER BY l.id) FILTER (WHERE l.remaining <> 0), '{}') "
            f"AS remaining_values FROM {balance} b LEFT JOIN recompute_layer l ON l.warehouse_id = b.warehouse_id "
            "AND l.product_id = b.product_id GROUP BY b.id) s WHERE s.id = b.id "
            "AND (b.value, b.layer_ids, b.layer_remaining, b.layer_values) "
            "IS DISTINCT FROM (s.value, s.ids, s.remaining, s.remaining_values)"
        )
    rebuild_stock_days()  # their values are the movements' new values
    rebuild_sales_days()  # and so are their COGS
    InventorySettings.load()
    InventorySettings.objects.filter(pk=1).update(costing_method=method)


@contextmanager
def _bulk_load(cursor, tables: list[str]) -> Iterator[None]:
    """Load empty `tables` without their foreign keys and secondary indexes, then put them
    back (same names, same definitions): one check per key and one build per index instead
    of a check and an index update per row, several times faster."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        [tables],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) ORDER BY 1",
        [tables],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    for table, name, _definition in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
