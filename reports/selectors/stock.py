"""The stock report and the movements report: balances as of a date and over a period, from the
balances and their daily changes (`inventory.models.StockDay`) — SQL joins of aggregates, never a
walk over movements.

Stock on a day D is a balance minus what its days after D changed, or the sum of its days up to
D: both are exact; `_days_side` picks the side with fewer days to add up."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from crm.models import Company
from inventory.models import (
    Category,
    MoveCost,
    Product,
    Reservation,
    StockBalance,
    StockDay,
    StockDocument,
    StockMove,
    ValueAdjustment,
    Warehouse,
)
from inventory.selectors.stock import matching_products
from reports.selectors.sql import SqlRows

BALANCE, DAY, PRODUCT, WAREHOUSE, CATEGORY = (
    m._meta.db_table for m in (StockBalance, StockDay, Product, Warehouse, Category)
)
STOCK_COLUMNS = (
    "product_id", "warehouse_id", "product_name", "sku", "unit", "category_name", "warehouse_name",
    "on_hand", "reserved", "available", "unit_cost", "value",
)  # fmt: skip
CATEGORY_COLUMNS = ("category_id", "category_name", "warehouse_id", "warehouse_name", "products", "value")
MOVEMENT_COLUMNS = (
    "product_id", "warehouse_id", "product_name", "sku", "unit", "category_name", "warehouse_name",
    "opening", "quantity_in", "quantity_out", "closing",
    "opening_value", "value_in", "value_out", "closing_value",
)  # fmt: skip

# The names of balance `b`: its product `p`, warehouse `w` and category `c`.
_NAMES = (
    f"JOIN {PRODUCT} p ON p.id = b.product_id JOIN {WAREHOUSE} w ON w.id = b.warehouse_id "
    f"LEFT JOIN {CATEGORY} c ON c.id = p.category_id"
)


@dataclass(frozen=True)
class Scope:
    """Which balances a report reads: the user's warehouses (None: all), and the filters."""

    warehouse_ids: Collection[int] | None = None
    warehouse: Warehouse | None = None
    category: Category | None = None
    search: str = ""

    def where(self, balance: str = "b", product: str = "p") -> tuple[str, list]:
        """The WHERE conditions (joined by AND, "TRUE" when none) on the balance and product aliases."""
        terms: list[str] = ["TRUE"]
        params: list = []
        if self.warehouse_ids is not None:
            terms.append(f"{balance}.warehouse_id = ANY(%s)")
            params.append(sorted(self.warehouse_ids))
        if self.warehouse is not None:
            terms.append(f"{balance}.warehouse_id = %s")
            params.append(self.warehouse.pk)
        if self.category is not None:
            terms.append(f"{product}.category_id = %s")
            params.append(self.category.pk)
        if self.search.strip():
            sql, search_params = matching_products(self.search.strip()).order_by().values("pk").query.sql_with_params()
            terms.append(f"{balance}.product_id IN ({sql})")
            params.extend(search_params)
        return " AND ".join(terms), params

    @property
    def filters_products(self) -> bool:
        return self.category is not None or bool(self.search.strip())

    def day_products(self) -> tuple[str, list]:
        """("AND …", parameters): the product filters on a days table aliased `d` (through its
        balance), or nothing when the scope filters no products."""
        if not self.filters_products:
            return "", []
        where, params = self.where()
        return (
            f"AND EXISTS (SELECT 1 FROM {BALANCE} b JOIN {PRODUCT} p ON p.id = b.product_id "
            f"WHERE b.warehouse_id = d.warehouse_id AND b.product_id = d.product_id AND {where})",
            params,
        )

    def day_where(self) -> tuple[str, list]:
        """The conditions on a days table aliased `d` (warehouses only: the product filters are
        applied to the balances the days are joined to)."""
        terms: list[str] = ["TRUE"]
        params: list = []
        if self.warehouse_ids is not None:
            terms.append("d.warehouse_id = ANY(%s)")
            params.append(sorted(self.warehouse_ids))
        if self.warehouse is not None:
            terms.append("d.warehouse_id = %s")
            params.append(self.warehouse.pk)
        return " AND ".join(terms), params


def _days_side(day: date) -> str:
    """ "after" when fewer days lie after `day` than up to it (so stock on `day` is the balance
    minus the days after it), else "upto" (the sum of the days up to it). An estimate from the
    first day on record: a wrong guess is slower, never wrong."""
    if is_today_or_later(day):
        return "after"
    first = StockDay.objects.order_by("day").values_list("day", flat=True).first()
    if first is None:
        return "after"
    return "after" if (timezone.localdate() - day) <= (day - first) else "upto"


def _days(alias: str, condition: str) -> str:
    """A lateral join of what the days of balance `b` matching `condition` (on `d.day`) add up to:
    `alias.quantity_in`, `quantity_out`, `value_in`, `value_out` (NULL without days). Read for
    each balance on its own (the unique index on warehouse, product, day), so a page of rows
    reads only its balances' days."""
    return (
        f"LEFT JOIN LATERAL (SELECT SUM(d.quantity_in) AS quantity_in, SUM(d.quantity_out) AS quantity_out, "
        f"SUM(d.value_in) AS value_in, SUM(d.value_out) AS value_out FROM {DAY} d "
        f"WHERE d.warehouse_id = b.warehouse_id AND d.product_id = b.product_id AND {condition}) {alias} ON TRUE"
    )


def _stock_on(day: date, alias: str = "a") -> tuple[str, tuple[str, str], list]:
    """(the join of each balance's days needed to reach `day`, the expressions of its on hand and
    value on `day`, parameters) for a SELECT over balances `b`."""
    net = f"COALESCE({alias}.quantity_in - {alias}.quantity_out, 0)"
    net_value = f"COALESCE({alias}.value_in - {alias}.value_out, 0)"
    if _days_side(day) == "after":
        if not StockDay.objects.filter(day__gt=day).exists():  # nothing posted after it: the balances
            return "", ("b.on_hand", "b.value"), []
        return _days(alias, "d.day > %s"), (f"b.on_hand - {net}", f"b.value - {net_value}"), [day]
    return _days(alias, "d.day <= %s"), (net, net_value), [day]


def _reserved_join() -> tuple[str, list]:
    """What counting reservations hold per balance (the one definition: `Reservation.objects.counting()`)."""
    held = Reservation.objects.counting().order_by().values("warehouse_id", "product_id")
    held = held.annotate(total=Sum("quantity"))
    sql, params = held.query.sql_with_params()
    return f"LEFT JOIN ({sql}) r ON r.warehouse_id = b.warehouse_id AND r.product_id = b.product_id", list(params)


def is_today_or_later(day: date) -> bool:
    return day >= timezone.localdate()


def _balances_count(scope: Scope) -> tuple[str, list]:
    """How many balances `scope` has: the rows of a report that shows every balance."""
    where, params = scope.where()
    return f"SELECT count(*) FROM {BALANCE} b JOIN {PRODUCT} p ON p.id = b.product_id WHERE {where}", params


def stock_rows(*, day: date, scope: Scope, non_zero: bool = False) -> SqlRows:
    """Each balance of `scope` as of `day`: product and warehouse (ids, names), on hand and value
    on that day, unit cost (value ÷ on hand, when above zero); `reserved` and `available` (on
    hand − reserved) today only (reservations have no history: None for a past day)."""
    join, (on_hand, value), params = _stock_on(day)
    where, where_params = scope.where()
    if is_today_or_later(day):
        reserved_join, reserved_params = _reserved_join()
        reserved = "COALESCE(r.total, 0)"
    else:
        reserved_join, reserved_params, reserved = "", [], "NULL::numeric"
    sql = f"""
        SELECT * FROM (
            SELECT b.product_id, b.warehouse_id, p.name AS product_name, p.sku, p.unit, c.name AS category_name,
                   w.name AS warehouse_name, {on_hand} AS on_hand, {reserved} AS reserved,
                   {on_hand} - {reserved} AS available,
                   CASE WHEN {on_hand} > 0 THEN ({value}) / ({on_hand}) END AS unit_cost, {value} AS value
            FROM {BALANCE} b {_NAMES}
            {join}
            {reserved_join}
            WHERE {where}
        ) rows {"WHERE on_hand <> 0" if non_zero else ""}
    """
    count = None if non_zero else _balances_count(scope)
    return SqlRows(sql, [*params, *reserved_params, *where_params], columns=STOCK_COLUMNS, count=count)


def stock_by_category(*, day: date, scope: Scope) -> SqlRows:
    """The stock of `stock_rows` summed per category and warehouse: how many products are in
    stock (on hand not zero) and their value."""
    join, (on_hand, value), params = _stock_on(day)
    where, where_params = scope.where()
    sql = f"""
        SELECT g.category_id, c.name AS category_name, g.warehouse_id, w.name AS warehouse_name, g.products, g.value
        FROM (
            SELECT p.category_id, b.warehouse_id,
                   count(*) FILTER (WHERE {on_hand} <> 0) AS products, SUM({value}) AS value
            FROM {BALANCE} b
            JOIN {PRODUCT} p ON p.id = b.product_id
            {join}
            WHERE {where}
            GROUP BY p.category_id, b.warehouse_id
        ) g
        JOIN {WAREHOUSE} w ON w.id = g.warehouse_id
        LEFT JOIN {CATEGORY} c ON c.id = g.category_id
    """
    count = (
        f"SELECT count(*) FROM (SELECT DISTINCT p.category_id, b.warehouse_id FROM {BALANCE} b "
        f"JOIN {PRODUCT} p ON p.id = b.product_id WHERE {where}) g",
        where_params,
    )  # the groups, without adding up their stock
    return SqlRows(sql, [*params, *where_params], columns=CATEGORY_COLUMNS, count=count)


def stock_totals(*, day: date, scope: Scope) -> list[dict]:
    """Per warehouse of `scope`, in name order: the value of its stock on `day` and, today, how
    many products it has in stock. One pass over the balances and one over the days after `day`
    (grouped by warehouse only), never a sum per balance."""
    where, params = scope.where()
    day_where, day_params = scope.day_where()
    product_filter, product_params = scope.day_products()
    sql = f"""
        SELECT w.id AS warehouse_id, w.name AS warehouse_name, s.products, s.value - COALESCE(a.value, 0) AS value
        FROM (
            SELECT b.warehouse_id, count(*) FILTER (WHERE b.on_hand <> 0) AS products, SUM(b.value) AS value
            FROM {BALANCE} b JOIN {PRODUCT} p ON p.id = b.product_id WHERE {where} GROUP BY b.warehouse_id
        ) s
        JOIN {WAREHOUSE} w ON w.id = s.warehouse_id
        LEFT JOIN (
            SELECT d.warehouse_id, SUM(d.value_in - d.value_out) AS value FROM {DAY} d
            WHERE d.day > %s AND {day_where} {product_filter} GROUP BY d.warehouse_id
        ) a ON a.warehouse_id = s.warehouse_id
        ORDER BY w.name, w.id
    """
    rows = list(SqlRows(sql, [*params, day, *day_params, *product_params], columns=()))
    if not is_today_or_later(day):
        for row in rows:
            row["products"] = None  # what was in stock on a past day would need a sum per balance
    return rows


DAY_FIGURES = ("quantity_in", "quantity_out", "value_in", "value_out")


def _period_days(date_from: date, date_to: date) -> tuple[str, list, bool]:
    """(a lateral join, its parameters, whether the opening is the balance less `m.opening_*`)
    of what the days of balance `b` add up to, in one read of its days: `m.opening_quantity_in`
    … `m.opening_value_out`, what separates the balance from the period's opening (the days
    from `date_from` on, to subtract from the balance; or the days before it, to add up from
    zero: `_days_side`), and `m.quantity_in` … `m.value_out`, the period's days. Both are among
    the days from `date_from` on, or among the days up to `date_to`."""
    after = _days_side(date_from.fromordinal(date_from.toordinal() - 1)) == "after"
    opening, opening_params = ("TRUE", []) if after else ("d.day < %s", [date_from])
    sums = [f"SUM(d.{c}) FILTER (WHERE {opening}) AS opening_{c}" for c in DAY_FIGURES]
    sums += [f"SUM(d.{c}) FILTER (WHERE d.day BETWEEN %s AND %s) AS {c}" for c in DAY_FIGURES]
    join = (
        f"LEFT JOIN LATERAL (SELECT {', '.join(sums)} FROM {DAY} d "
        f"WHERE d.warehouse_id = b.warehouse_id AND d.product_id = b.product_id "
        f"AND d.day {'>=' if after else '<='} %s) m ON TRUE"
    )
    params = [*opening_params * len(DAY_FIGURES), *[date_from, date_to] * len(DAY_FIGURES)]
    return join, [*params, date_from if after else date_to], after


_BALANCE_COLUMNS = (
    "b.product_id, b.warehouse_id, p.name AS product_name, p.sku, p.unit, c.name AS category_name, "
    "w.name AS warehouse_name, b.on_hand, b.value"
)


def _ranked(figure: str, date_from: date, date_to: date, scope: Scope) -> tuple[str, list]:
    """The balances of `scope` with the period's `figure` (its days' sum, zero without days),
    to be sorted by it and cut to a page (`SqlRows.PAGE`). For a page sorted by it descending
    (`SqlRows.CUT` on `-figure`), the balances whose figure is above zero are cut first to the
    page's end, ties included: when they fill it, the page is among them (any other balance
    ranks below each), and only they are joined to their balances and names; else every
    balance is. Each day has its balance, so the days stand for the balances they move."""
    if figure not in DAY_FIGURES:
        raise ValueError(f"cannot rank by {figure!r}")
    day_where, day_params = scope.day_where()
    day_products, product_params = scope.day_products()
    where, where_params = scope.where()
    sql = f"""
        WITH k AS (
            SELECT d.warehouse_id, d.product_id, SUM(d.{figure}) AS {figure} FROM {DAY} d
            WHERE d.day BETWEEN %s AND %s AND d.{figure} <> 0 AND {day_where} {day_products} GROUP BY 1, 2
        ),
        top AS (SELECT * FROM k WHERE {figure} > 0 {SqlRows.CUT}),
        filled AS (SELECT count(*) >= {SqlRows.END} AS page FROM top)
        SELECT {_BALANCE_COLUMNS}, t.{figure}
        FROM top t JOIN {BALANCE} b ON b.warehouse_id = t.warehouse_id AND b.product_id = t.product_id {_NAMES}
        WHERE (SELECT page FROM filled)
        UNION ALL
        SELECT {_BALANCE_COLUMNS}, COALESCE(k.{figure}, 0)
        FROM {BALANCE} b {_NAMES} LEFT JOIN k ON k.warehouse_id = b.warehouse_id AND k.product_id = b.product_id
        WHERE (SELECT page FROM filled) IS NOT TRUE AND {where}
        {SqlRows.PAGE}
    """
    return sql, [date_from, date_to, *day_params, *product_params, *where_params]


def movement_rows(
    *, date_from: date, date_to: date, scope: Scope, moved_only: bool = False, ranked_by: str | None = None
) -> SqlRows:
    """Per balance of `scope` over the period: opening (on hand and value at the start of
    `date_from`), in, out, closing (= opening + in − out, at the end of `date_to`); with
    `moved_only`, only the balances that moved in the period. Each balance's days are read once
    (`_period_days`), for the rows of the page only.

    `ranked_by` (one of `DAY_FIGURES`; not with `moved_only`): the rows will be sorted by that
    figure first, so the page is cut before the days are read (`SqlRows.PAGE`), by the figure
    summed in one pass over the period's days where it is not zero, grouped by balance (a
    balance without such a day has zero): not a read of every balance's days. Sorted by it
    descending, the page comes from the balances whose figure is above zero alone (`_ranked`)
    when there are enough of them to fill it."""
    join, params, after = _period_days(date_from, date_to)
    net = "COALESCE(m.opening_quantity_in - m.opening_quantity_out, 0)"
    net_value = "COALESCE(m.opening_value_in - m.opening_value_out, 0)"
    opening, opening_value = (f"b.on_hand - {net}", f"b.value - {net_value}") if after else (net, net_value)
    where, where_params = scope.where()
    balances = f"SELECT {_BALANCE_COLUMNS} FROM {BALANCE} b {_NAMES} WHERE {where}"
    balance_params = where_params
    cut_columns: tuple[str, ...] = ()
    if ranked_by is not None and not moved_only:
        balances, balance_params = _ranked(ranked_by, date_from, date_to, scope)
        cut_columns = (f"-{ranked_by}",)
    keep = "WHERE quantity_in <> 0 OR quantity_out <> 0 OR value_in <> 0 OR value_out <> 0" if moved_only else ""
    sql = f"""
        SELECT product_id, warehouse_id, product_name, sku, unit, category_name, warehouse_name,
               opening, quantity_in, quantity_out, opening + quantity_in - quantity_out AS closing,
               opening_value, value_in, value_out, opening_value + value_in - value_out AS closing_value
        FROM (
            SELECT b.product_id, b.warehouse_id, b.product_name, b.sku, b.unit, b.category_name,
                   b.warehouse_name, {opening} AS opening, {opening_value} AS opening_value,
                   COALESCE(m.quantity_in, 0) AS quantity_in, COALESCE(m.quantity_out, 0) AS quantity_out,
                   COALESCE(m.value_in, 0) AS value_in, COALESCE(m.value_out, 0) AS value_out
            FROM ({balances}) b
            {join}
        ) rows {keep}
    """
    count = None if moved_only else _balances_count(scope)
    return SqlRows(sql, [*balance_params, *params], columns=MOVEMENT_COLUMNS, count=count, cut_columns=cut_columns)


def movement_totals(*, date_from: date, date_to: date, scope: Scope) -> dict:
    """The value columns of `movement_rows` summed over every balance of `scope` (quantities of
    different units do not add up): the balances' value less what was posted from `date_from`
    on, and what came in and went out in the period: one pass over the balances and one over
    the days from `date_from` on."""
    where, params = scope.where()
    day_where, day_params = scope.day_where()
    product_filter, product_params = scope.day_products()
    sql = f"""
        SELECT s.value - COALESCE(a.later, 0) AS opening_value, COALESCE(a.value_in, 0) AS value_in,
               COALESCE(a.value_out, 0) AS value_out,
               s.value - COALESCE(a.later, 0) + COALESCE(a.value_in, 0) - COALESCE(a.value_out, 0) AS closing_value
        FROM (SELECT COALESCE(SUM(b.value), 0) AS value FROM {BALANCE} b JOIN {PRODUCT} p ON p.id = b.product_id
              WHERE {where}) s,
             (SELECT SUM(d.value_in - d.value_out) AS later,
                     SUM(d.value_in) FILTER (WHERE d.day <= %s) AS value_in,
                     SUM(d.value_out) FILTER (WHERE d.day <= %s) AS value_out
              FROM {DAY} d WHERE d.day >= %s AND {day_where} {product_filter}) a
    """
    return list(SqlRows(sql, [*params, date_to, date_to, date_from, *day_params, *product_params], columns=()))[0]


LEDGER_COLUMNS = (
    "move_id", "day", "document_id", "doc_type", "number", "status", "counterparty", "is_reversal",
    "quantity_in", "quantity_out", "balance", "value", "balance_value",
)  # fmt: skip


def ledger_rows(*, warehouse_id: int, product_id: int, date_from: date, date_to: date) -> SqlRows:
    """The movements of one balance whose documents are dated in the period, in date order (then
    as posted), each with its document, in or out (a reversal counts against the side of what it
    reverses, as in `movement_rows`), its value, and the balance after it (the period's opening
    plus the movements up to it, in this order), quantity and value."""
    move, document, cost, adjustment, company = (
        m._meta.db_table for m in (StockMove, StockDocument, MoveCost, ValueAdjustment, Company)
    )
    opening = ledger_opening(warehouse_id=warehouse_id, product_id=product_id, date_from=date_from)
    sql = f"""
        WITH m AS (
            SELECT m.id AS move_id, d.date AS day, d.id AS document_id, d.doc_type, d.number, d.status,
                   COALESCE(sup.name, cli.name, dest.name, src.name) AS counterparty, m.is_reversal,
                   m.quantity, COALESCE(c.value, 0) + COALESCE(a.value, 0) AS value
            FROM {move} m
            JOIN {document} d ON d.id = m.document_id
            LEFT JOIN {company} sup ON sup.id = d.supplier_id
            LEFT JOIN {company} cli ON cli.id = d.client_id
            LEFT JOIN {WAREHOUSE} dest ON dest.id = d.destination_id AND d.warehouse_id = m.warehouse_id
            LEFT JOIN {WAREHOUSE} src ON src.id = d.warehouse_id AND d.warehouse_id <> m.warehouse_id
            LEFT JOIN {cost} c ON c.move_id = m.id
            LEFT JOIN (SELECT move_id, SUM(value) AS value FROM {adjustment} GROUP BY move_id) a ON a.move_id = m.id
            WHERE m.warehouse_id = %s AND m.product_id = %s AND d.date BETWEEN %s AND %s
        )
        SELECT move_id, day, document_id, doc_type, number, status, counterparty, is_reversal,
               CASE WHEN (quantity > 0) <> is_reversal THEN quantity END AS quantity_in,
               CASE WHEN (quantity > 0) <> is_reversal THEN NULL ELSE -quantity END AS quantity_out,
               %s + SUM(quantity) OVER w AS balance, value, %s + SUM(value) OVER w AS balance_value
        FROM m WINDOW w AS (ORDER BY day, move_id)
    """
    params = [warehouse_id, product_id, date_from, date_to, opening["on_hand"], opening["value"]]
    return SqlRows(sql, params, columns=LEDGER_COLUMNS)


def ledger_opening(*, warehouse_id: int, product_id: int, date_from: date) -> dict:
    """On hand and value of one balance at the start of `date_from` (its days before it): one query."""
    totals = StockDay.objects.filter(warehouse_id=warehouse_id, product_id=product_id, day__lt=date_from).aggregate(
        quantity_in=Sum("quantity_in"),
        quantity_out=Sum("quantity_out"),
        value_in=Sum("value_in"),
        value_out=Sum("value_out"),
    )
    zero = Decimal(0)
    return {
        "on_hand": (totals["quantity_in"] or zero) - (totals["quantity_out"] or zero),
        "value": (totals["value_in"] or zero) - (totals["value_out"] or zero),
    }
