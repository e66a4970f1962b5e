"""Every row lock the stock and deal services take, in one place and one order:

    document → deal → balances → reservations

A transaction takes the locks it needs in that order and skips the kinds it does not need;
within a kind it locks several rows in one query ordered by key. So two transactions touching
the same rows (opposite transfers, a row edited while it is reserved) always queue instead of
deadlocking. A deal's lock covers its product rows: every service that changes them takes it
first. Winning a deal locks the deal, then the sales orders it creates: they are new, and no
other transaction can see them, let alone lock them, before it commits. Services run under
the bounded retry (`inventory.retry`), for what this order cannot rule out (e.g. two inserts
of the same missing balance).

Also here: `lock_ledger`, which the costing's recompute takes to stop all posting for a moment,
and the advisory lock that tells whether a recompute's runner is alive.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, TypeAlias, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import BooleanField, ExpressionWrapper, Q

from crm.models import Deal
from inventory.arrays import number_array
from inventory.models import InventorySettings, Reservation, ReservationStatus, StockBalance, StockDocument
from inventory.models.reservations import Counting, counting, counting_sql

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

BalanceKey = tuple[int, int]  # (warehouse_id, product_id)


# A reservation from `lock_reservations`, with `is_counting`.
LockedReservation: TypeAlias = "WithAnnotations[Reservation, Counting]"


@dataclass
class LockedBalance:
    """A balance row locked by the current transaction (plain values: cheaper than a model)."""

    id: int
    on_hand: Decimal
    # What counting reservations hold of it: zero until `load_reserved` reads them.
    reserved: Decimal = Decimal(0)
    # Its open cost layers as the row listed them when locked (`StockBalance.layer_ids` …),
    # oldest first; `apply_movements` leaves them as they were (a posting locks anew).
    layer_ids: list[int] = dataclass_field(default_factory=list)
    layer_remaining: list[Decimal] = dataclass_field(default_factory=list)
    layer_values: list[Decimal] = dataclass_field(default_factory=list)

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class LockedBalances(dict[BalanceKey, LockedBalance]):
    """The balances `lock_balances` locked, and the costing method read with them: a change of
    method (`inventory.services.recompute`) waits for every balance lock, so it holds until the
    transaction ends. None when the settings were never saved."""

    costing_method: str | None = None


# What `lock_document` fetches with the document by default (as the ORM's select_related).
DOCUMENT_RELATIONS = ("warehouse", "destination", "supplier", "client")


def lock_document(document_id: int, *, related: tuple[str, ...] = DOCUMENT_RELATIONS) -> StockDocument:
    """Lock a document row for the rest of the transaction and return its current state,
    with the `related` warehouses and partners fetched in the same query (by default all of
    them; a relation left out is loaded on first access, as Django does, or is None without
    a query when its foreign key is empty).

    One plain `SELECT … FOR UPDATE OF` the document, LEFT JOINed to the related rows, its
    SQL built once per set of relations from the models' fields: compiling the equivalent
    ORM query on every call cost more than everything else processing does in Python, and
    each join costs the server planning time, so callers join only what they read."""
    sql, layout, checks = _document_lock_sql(related)
    row = _fetch_one(sql, [document_id])
    if row is not None and any(row[fk] != row[pk] for fk, pk in checks):
        # We waited for the lock while a concurrent edit changed the document's warehouse or
        # partner, and PostgreSQL re-checked the joins against the rows the statement had
        # already read (finding none). We hold the lock now, so a fresh statement reads the
        # committed state. (Outer joins: the document row is always returned, never lost.)
        row = _fetch_one(sql, [document_id])
    if row is None:
        raise StockDocument.DoesNotExist("StockDocument matching query does not exist.")
    first, *objects = instances_from_row(row, layout)
    document = cast(StockDocument, first)  # the row's first part, never NULL: the document itself
    for name, obj in zip(related, objects, strict=True):
        _relation(name)[0].set_cached_value(document, obj)
    return document


def _relation(name: str) -> tuple[models.ForeignKey, type[models.Model]]:
    """The document's foreign key `name` and the model it points to."""
    field = StockDocument._meta.get_field(name)
    if not isinstance(field, models.ForeignKey) or not isinstance(field.related_model, type):
        raise TypeError(f"StockDocument.{name} is not a foreign key")
    return field, field.related_model


@dataclass(frozen=True)
class RowPart:
    """One model's slice of a row selected with `select_columns`: where it starts, its field
    names, its primary key's position, and the database converters of the fields that have
    any (none for this project's fields on PostgreSQL; a field type that needs one keeps
    working)."""

    model: type[models.Model]
    start: int
    names: tuple[str, ...]
    pk_index: int
    converters: tuple[tuple[int, tuple], ...]


def select_columns(model: type[models.Model], alias: str) -> str:
    """`alias."col", …` for every concrete field of `model`, in `_meta.concrete_fields` order
    (the order `instances_from_row` expects)."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """`model`'s field `name`, one with a column (`_meta.get_field` also finds reverse relations)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise FieldDoesNotExist(f"{model.__name__}.{name} has no column")
    return field


def row_layout(*models_: type[models.Model]) -> tuple[RowPart, ...]:
    """How `instances_from_row` splits a row of `select_columns(m1, …), select_columns(m2, …), …`."""
    parts, start = [], 0
    for model in models_:
        fields = model._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))
            if found:
                converters.append((i, found))
        names = tuple(f.attname for f in fields)
        parts.append(RowPart(model, start, names, names.index(model._meta.pk.attname), tuple(converters)))
        start += len(names)
    return tuple(parts)


def instances_from_row(row: Sequence, layout: tuple[RowPart, ...]) -> list[models.Model | None]:
    """Model instances, as the ORM builds them, from one row laid out by `row_layout`; None
    for a LEFT JOINed model whose primary key is NULL."""
    instances: list[models.Model | None] = []
    for part in layout:
        values = list(row[part.start : part.start + len(part.names)])
        if values[part.pk_index] is None:
            instances.append(None)
            continue
        for i, functions in part.converters:
            for function in functions:
                values[i] = function(values[i], part.model._meta.concrete_fields[i], connection)
        instances.append(part.model.from_db(connection.alias, part.names, values))
    return instances


@cache
def _document_lock_sql(related: tuple[str, ...]) -> tuple[str, tuple[RowPart, ...], tuple[tuple[int, int], ...]]:
    """The locking query, its row layout, and for each relation the positions of the
    document's foreign key and of the joined row's primary key."""
    quote = connection.ops.quote_name
    meta = StockDocument._meta
    aliases = [f"r{i}" for i in range(len(related))]
    relations = [_relation(name) for name in related]
    joins = "".join(
        f" LEFT JOIN {quote(target._meta.db_table)} {alias} "
        f"ON {alias}.{quote(target._meta.pk.column)} = d.{quote(field.column)}"
        for alias, (field, target) in zip(aliases, relations, strict=True)
    )
    models_: tuple[type[models.Model], ...] = (StockDocument, *(target for _field, target in relations))
    columns = ", ".join(select_columns(model, alias) for model, alias in zip(models_, ("d", *aliases), strict=True))
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} d{joins} WHERE d.{quote(meta.pk.column)} = %s FOR UPDATE OF d"
    layout = row_layout(*models_)
    document_names = layout[0].names
    checks = tuple(
        (document_names.index(field.attname), part.start + part.pk_index)
        for (field, _target), part in zip(relations, layout[1:], strict=True)
    )
    return sql, layout, checks


def _fetch_one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def lock_deal(deal_id: int) -> Deal:
    """Lock a deal row (and so its product rows) for the rest of the transaction and return its
    current state, with its stage and pipeline (not locked).

    Two statements: one joined to the stage would, after waiting for a concurrent change of
    the deal's stage, re-check the join against the stage row it had already read, and find
    no deal. A statement started after the lock reads the committed state."""
    Deal.objects.select_for_update().filter(pk=deal_id).values_list("pk").get()
    return Deal.objects.select_related("stage", "pipeline").get(pk=deal_id)


def lock_balances(keys: Iterable[BalanceKey]) -> LockedBalances:
    """Lock the balances of `keys` with one ordered SELECT … FOR UPDATE, creating missing
    rows first (a FOR UPDATE that matches no row locks nothing)."""
    keys = sorted(set(keys))
    if not keys:
        return LockedBalances()
    locked = _select_for_update(keys)
    if len(locked) < len(keys):
        # INSERT … ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, so no
        # row is created twice. A deadlock this rare path might meet is retried by the caller.
        StockBalance.objects.bulk_create(
            [StockBalance(warehouse_id=w, product_id=p) for w, p in keys if (w, p) not in locked],
            ignore_conflicts=True,
        )
        locked = _select_for_update(keys)
    return locked


def lock_ledger() -> None:
    """Lock every document and every balance, those not created yet included, for the rest of
    the transaction, in the locks' order: both tables in EXCLUSIVE mode. It waits for every
    transaction holding a document or balance lock (they post movements) to finish and makes
    the next ones wait; plain reads go on. Row locks would leave out rows inserted meanwhile.
    For the recompute of the costing (`inventory.services.recompute`): nothing posts while it
    holds them, and nothing it inserts that points at a document can wait for a document's lock."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (StockDocument, StockBalance):
            cursor.execute(f"LOCK TABLE {quote(model._meta.db_table)} IN EXCLUSIVE MODE")


# The advisory locks of the background runs' runners: (a namespace per kind of run, the run's id).
RECOMPUTE_RUNNER = 0x67646E67
IMPORT_RUNNER = 0x67646E6A


def hold_runner(namespace: int, run_id: int) -> None:
    """Take, for this connection's session, the lock that says that the run `run_id` (of the
    kind `namespace`) runs here. The server lets go of it when the session ends, however its
    process ends (a worker killed mid-run included), so its absence tells a dead run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)", [namespace, run_id])


def release_runner(namespace: int, run_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)", [namespace, run_id])


def runners(namespace: int, run_ids: Collection[int]) -> set[int]:
    """Those of `run_ids` (of the kind `namespace`) that some session runs now (`hold_runner`)."""
    if not run_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
            "AND classid = %s::bigint::oid AND objid = ANY(%s::bigint[]::oid[])",
            [namespace, number_array(run_ids)],
        )
        return {row[0] for row in cursor.fetchall()}


def hold_recompute_runner(recompute_id: int) -> None:
    """`hold_runner` for a recompute of the costs."""
    hold_runner(RECOMPUTE_RUNNER, recompute_id)


def release_recompute_runner(recompute_id: int) -> None:
    release_runner(RECOMPUTE_RUNNER, recompute_id)


def recompute_runners(recompute_ids: Collection[int]) -> set[int]:
    return runners(RECOMPUTE_RUNNER, recompute_ids)


def _select_for_update(keys: list[BalanceKey]) -> LockedBalances:
    # Every balance whose warehouse and product are among the keys': for a document that is
    # exactly its keys (one or two warehouses times its products). The row a FOR UPDATE returns
    # after waiting for its lock is the latest one, its open layers included; the costing method
    # cannot change meanwhile (see `LockedBalances`).
    table, settings = StockBalance._meta.db_table, InventorySettings._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, warehouse_id, product_id, on_hand, layer_ids, layer_remaining, layer_values, "
            f"(SELECT costing_method FROM {settings} WHERE id = 1) FROM {table} "
            "WHERE warehouse_id = ANY(%s::bigint[]) AND product_id = ANY(%s::bigint[]) "
            "ORDER BY warehouse_id, product_id FOR UPDATE",
            [number_array(sorted({w for w, _ in keys})), number_array(sorted({p for _, p in keys}))],
        )
        rows = cursor.fetchall()
    locked = LockedBalances(
        ((w, p), LockedBalance(id_, on_hand, Decimal(0), ids, remaining, values))
        for id_, w, p, on_hand, ids, remaining, values, _method in rows
    )
    locked.costing_method = rows[0][-1] if rows else None
    return locked


def load_reserved(
    balances: dict[BalanceKey, LockedBalance], keys: Iterable[BalanceKey], *, sparing_deal_id: int | None = None
) -> None:
    """Set `reserved` of the locked balances of `keys` to what counting reservations
    (`counting_sql`) hold, leaving out those of the deal `sparing_deal_id` (its own sales order
    may take them). One query, run after the lock: a statement that waited for the lock would
    not see reservations committed meanwhile, a new one does."""
    keys = sorted(set(keys))
    if not keys:
        return
    table = Reservation._meta.db_table
    condition, params = counting_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT warehouse_id, product_id, SUM(quantity) FROM {table} "
            f"WHERE {condition} AND deal_id IS DISTINCT FROM %s "
            "AND (warehouse_id, product_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[])) "
            "GROUP BY warehouse_id, product_id",
            [*params, sparing_deal_id, number_array(w for w, _ in keys), number_array(p for _, p in keys)],
        )
        for warehouse_id, product_id, quantity in cursor.fetchall():
            balances[(warehouse_id, product_id)].reserved = quantity


def lock_reservations(condition: Q) -> list[LockedReservation]:
    """Lock the active reservations matching `condition` with one SELECT … FOR UPDATE in id
    order, after the balances they draw on; each with `is_counting` (False once expired)."""
    return list(
        Reservation.objects.filter(condition, status=ReservationStatus.ACTIVE)
        .annotate(is_counting=ExpressionWrapper(counting(), output_field=BooleanField()))
        .select_for_update(of=("self",))
        .order_by("pk")
    )


# The advisory locks of the imports (`imports.services.jobs`): (this namespace, what they write).
IMPORTS = 0x67646E69
IMPORT_TARGETS = {"products": 1, "companies": 2, "contacts": 3}


def lock_imports(target: str) -> None:
    """Make the other imports of `target` (products, companies or contacts) wait until this
    transaction ends: each one reads which SKUs, barcodes, tax ids or e-mail addresses exist
    after the one before it committed, so two imports of the same file at once create each
    row once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)", [IMPORTS, IMPORT_TARGETS[target]])
