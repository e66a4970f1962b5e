"""Applying movements to balances: the only code that changes `StockBalance.on_hand`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from inventory.arrays import number_array
from inventory.errors import InsufficientStock, Shortage
from inventory.formatting import format_quantity
from inventory.locks import BalanceKey, LockedBalance, LockedBalances
from inventory.models import (
    DocumentLine,
    DocumentType,
    Product,
    SalesDay,
    StockBalance,
    StockDay,
    StockDocument,
    StockMove,
    Warehouse,
)
from inventory.models.documents import SOLD_TYPES
from inventory.models.quantities import LARGEST_QUANTITY, QUANTITY_DECIMALS, QUANTITY_DIGITS, fits
from inventory.services.costing import Posting, layer_arrays, layers_sql, posting_sql


def shortages(
    deltas: dict[BalanceKey, Decimal], balances: dict[BalanceKey, LockedBalance]
) -> list[tuple[BalanceKey, Decimal, Decimal]]:
    """(key, asked, available) of every balance that `deltas` would take below what is
    available (on hand − reserved), in key order. Call with locked balances."""
    return [
        (key, -delta, balances[key].available)
        for key, delta in sorted(deltas.items())
        if delta < 0 and balances[key].available + delta < 0
    ]


def check_available(deltas: dict[BalanceKey, Decimal], balances: dict[BalanceKey, LockedBalance]) -> None:
    """Raise `InsufficientStock` naming every balance that `deltas` would take below what is
    available (on hand − reserved). Call with locked balances."""
    short = shortages(deltas, balances)
    if not short:
        return
    products = Product.objects.in_bulk({p for (_, p), _, _ in short})
    warehouses = Warehouse.objects.in_bulk({w for (w, _), _, _ in short})
    raise InsufficientStock(
        [
            Shortage(product=products[p], warehouse=warehouses[w], asked=asked, available=max(available, Decimal(0)))
            for (w, p), asked, available in short
        ]
    )


def check_limits(changes: list[tuple[BalanceKey, Decimal]], balances: dict[BalanceKey, LockedBalance]) -> None:
    """Raise a `ValidationError` naming every balance that `changes` would take beyond what a
    balance (and a movement) can hold, ±`LARGEST_QUANTITY`. Call with locked balances; the
    names are read only when something is refused."""
    beyond = [
        (key, delta, balances[key].on_hand + delta)
        for key, delta in changes
        if not fits(delta, QUANTITY_DIGITS, QUANTITY_DECIMALS)
        or not fits(balances[key].on_hand + delta, QUANTITY_DIGITS, QUANTITY_DECIMALS)
    ]
    if not beyond:
        return
    products = Product.objects.in_bulk({p for (_w, p), _d, _b in beyond})
    warehouses = Warehouse.objects.in_bulk({w for (w, _p), _d, _b in beyond})
    messages = []
    for (w, p), delta, after in beyond:
        names = {"product": products[p], "warehouse": warehouses[w], "limit": format_quantity(LARGEST_QUANTITY)}
        if after < -LARGEST_QUANTITY:
            names["limit"] = format_quantity(-LARGEST_QUANTITY)
            text = _(
                "“%(product)s” in “%(warehouse)s”: the quantity would go below the lowest balance "
                "the system can hold (%(limit)s)."
            )
        elif after > LARGEST_QUANTITY:
            text = _(
                "“%(product)s” in “%(warehouse)s”: the quantity would exceed the largest balance "
                "the system can hold (%(limit)s)."
            )
        else:  # a count whose change does not fit a movement
            names["change"] = format_quantity(delta)
            text = _(
                "“%(product)s” in “%(warehouse)s”: a change of %(change)s is more than the largest "
                "balance the system can hold (%(limit)s)."
            )
        messages.append(text % names)
    raise ValidationError({"lines": messages})


def apply_movements(
    document: StockDocument,
    deltas: dict[BalanceKey, Decimal],
    balances: LockedBalances,
    *,
    is_reversal: bool = False,
    posting: Posting | None = None,
) -> dict[BalanceKey, int]:
    """Add `deltas` to the locked `balances` (relative, `on_hand + delta`) and record one
    movement per changed balance, with the balance it left, and what the `posting` planned
    (`inventory.services.costing`: the change of each balance's stock value and of its open
    layers, the new layers and the movements' values), in one statement: an UPDATE whose
    RETURNING rows feed the movements' INSERT, whose rows feed the costing's. Zero deltas are
    skipped; a balance or movement beyond what the columns hold is refused first
    (`check_limits`). The same statement adds each change to its balance's day (`StockDay`, the
    document's date) and, for a sales order, what its lines sold to the day's sales (`SalesDay`,
    `sales_sql`). Returns the id of each balance's new movement."""
    changes = sorted((key, delta) for key, delta in deltas.items() if delta != 0)
    if not changes:
        return {}
    check_limits(changes, balances)
    values = posting.value_changes() if posting is not None else {}
    sales, sales_params = sales_sql(document, changes, posting, is_reversal=is_reversal)
    balance_ids, quantities, value_changes = [], [], []
    for key, delta in changes:
        balance = balances[key]
        balance.on_hand += delta
        balance_ids.append(balance.id)
        quantities.append(delta)
        value_changes.append(values.get(key, Decimal(0)))
    layers_set = layers_types = layers_names = layers_returning = costing = ""
    layers_set_params: list = []
    layers_params: list = []
    costing_params: list = []
    if posting is not None and posting.plans:
        layers_set, layers_types, layers_names, layers_returning = layers_sql()
        layers_set_params, layers_params = layer_arrays(posting, balances, [key for key, _ in changes])
        costing, costing_params = posting_sql(posting)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH changed AS (UPDATE {StockBalance._meta.db_table} AS b "
            f"SET on_hand = b.on_hand + v.delta, value = b.value + v.value{layers_set} "
            f"FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]{layers_types}) "
            f"AS v(id, delta, value{layers_names}) WHERE b.id = v.id "
            "RETURNING b.warehouse_id, b.product_id, v.delta, v.value, b.on_hand, "
            f"(v.delta > 0) <> %s AS incoming{layers_returning}), "
            f"days AS (INSERT INTO {StockDay._meta.db_table} AS s "
            "(warehouse_id, product_id, day, quantity_in, quantity_out, value_in, value_out) "
            "SELECT warehouse_id, product_id, %s::date, "
            "CASE WHEN incoming THEN delta ELSE 0 END, CASE WHEN incoming THEN 0 ELSE -delta END, "
            "CASE WHEN incoming THEN value ELSE 0 END, CASE WHEN incoming THEN 0 ELSE -value END FROM changed "
            "ON CONFLICT (warehouse_id, product_id, day) DO UPDATE SET "
            "quantity_in = s.quantity_in + EXCLUDED.quantity_in, "
            "quantity_out = s.quantity_out + EXCLUDED.quantity_out, "
            "value_in = s.value_in + EXCLUDED.value_in, value_out = s.value_out + EXCLUDED.value_out), "
            f"moved AS (INSERT INTO {StockMove._meta.db_table} "
            "(document_id, warehouse_id, product_id, quantity, balance_after, is_reversal, created_at) "
            "SELECT %s, warehouse_id, product_id, delta, on_hand, %s, now() FROM changed "
            f"ORDER BY warehouse_id, product_id RETURNING id, warehouse_id, product_id){costing}{sales} "
            "SELECT id, warehouse_id, product_id FROM moved",
            [
                *layers_set_params,
                number_array(balance_ids),
                number_array(quantities),
                number_array(value_changes),
                *layers_params,
                is_reversal,
                document.date,
                document.pk,
                is_reversal,
                *costing_params,
                *sales_params,
            ],
        )
        moves = {(w, p): move_id for move_id, w, p in cursor.fetchall()}
    if len(moves) != len(changes):  # every balance was locked by the caller: cannot happen
        raise RuntimeError(f"{len(changes)} balances to change, {len(moves)} changed")
    return moves


def sales_sql(
    document: StockDocument,
    changes: list[tuple[BalanceKey, Decimal]],
    posting: Posting | None,
    *,
    is_reversal: bool,
) -> tuple[str, list]:
    """For a sales order or a return, the common table expression of `apply_movements`'
    statement that adds what its movements (`moved`) sold to the day's sales (`SalesDay`: the
    document's date, client and currency), and its parameters; nothing for another type. Each
    movement of an order adds its line's quantity and revenue, − its value as COGS (`posting`'s
    plan; none: one movement without a value); a return's take them off (its value is what its
    goods left with); a reversal undoes what the processing added."""
    if document.doc_type not in SOLD_TYPES:
        return "", []
    plans = posting.plans if posting is not None else {}
    unvalued_sign = -1 if is_reversal else 1
    sign = -unvalued_sign if document.doc_type == DocumentType.RETURN else unvalued_sign
    table, lines = SalesDay._meta.db_table, DocumentLine._meta.db_table
    sql = (
        f", sales AS (INSERT INTO {table} AS s "
        "(day, warehouse_id, product_id, client_id, currency, quantity, revenue, cogs, unvalued) "
        "SELECT %s::date, m.warehouse_id, m.product_id, %s::bigint, %s, "
        "%s * l.quantity, %s * l.quantity * l.price, v.cogs, %s * v.unvalued FROM moved m "
        f"JOIN {lines} l ON l.document_id = %s AND l.product_id = m.product_id "
        "JOIN unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::int[]) AS v(w, p, cogs, unvalued) "
        "ON v.w = m.warehouse_id AND v.p = m.product_id ORDER BY m.warehouse_id, m.product_id "
        "ON CONFLICT (day, warehouse_id, product_id, client_id, currency) DO UPDATE SET "
        "quantity = s.quantity + EXCLUDED.quantity, revenue = s.revenue + EXCLUDED.revenue, "
        "cogs = s.cogs + EXCLUDED.cogs, unvalued = s.unvalued + EXCLUDED.unvalued)"
    )
    keys = [key for key, _delta in changes]
    params = [
        document.date,
        document.client_id,
        document.currency,
        sign,
        sign,
        unvalued_sign,
        document.pk,
        number_array(w for w, _p in keys),
        number_array(p for _w, p in keys),
        number_array(-plans[key].value if key in plans else Decimal(0) for key in keys),
        number_array(0 if key in plans else 1 for key in keys),
    ]
    return sql, params
