"""The home dashboard's figures: each one aggregate query (in SQL), whatever the number of
balances, documents or movements. `warehouse_ids` is always the user's warehouses (None: all).
The sales figures are those of the gross-profit report (`reports.selectors.gross_profit`: the
daily sales grouped by `group_sales`, as `sales_rows` does)."""

from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from inventory.models import DocumentStatus, Reservation, SalesDay, StockBalance, StockDocument
from inventory.models.reservations import counting
from inventory.selectors.documents import in_warehouses
from reports.selectors.gross_profit import SalesScope, group_sales
from reports.selectors.sql import SqlRows

EXPIRING_WITHIN = timedelta(hours=24)
# The figures of a period without sales.
NO_SALES = {
    "quantity": Decimal(0),
    "revenue": Decimal(0),
    "cogs": Decimal(0),
    "profit": Decimal(0),
    "margin": None,
    "markup": None,
}


def stock_value_by_warehouse(*, warehouse_ids: Collection[int] | None) -> list[dict]:
    """What the stock of each warehouse with balances is worth: dicts of `warehouse_id`,
    `warehouse_name` and `value`, by name. One query (an aggregate of the balances)."""
    balances = StockBalance.objects.order_by()
    if warehouse_ids is not None:
        balances = balances.filter(warehouse_id__in=warehouse_ids)
    rows = balances.values("warehouse_id", warehouse_name=F("warehouse__name")).annotate(value=Sum("value"))
    return list(rows.order_by("warehouse_name", "warehouse_id"))


def document_counts(*, scopes: Mapping[str, Collection[int] | None], today: date) -> dict[str, dict[str, int]]:
    """For each document type of `scopes` (type → the warehouses whose documents of that type
    the user sees, as the document list shows them; None: all): `processed_today`, the
    processed documents dated `today`, and `drafts`, the drafts waiting (any date). Deleted
    documents are left out. One query (none without types)."""
    if not scopes:
        return {}
    visible = Q()
    for doc_type, warehouse_ids in scopes.items():
        visible |= Q(doc_type=doc_type) & (Q() if warehouse_ids is None else in_warehouses(warehouse_ids))
    draft, processed = DocumentStatus.DRAFT, DocumentStatus.PROCESSED
    rows = (
        StockDocument.objects.filter(visible, deleted_at__isnull=True)
        .filter(Q(status=draft) | Q(status=processed, date=today))
        .values("doc_type")
        .annotate(processed_today=Count("pk", filter=Q(status=processed)), drafts=Count("pk", filter=Q(status=draft)))
        .order_by()
    )
    found = {row["doc_type"]: row for row in rows}
    return {
        doc_type: {key: found.get(doc_type, {}).get(key, 0) for key in ("processed_today", "drafts")}
        for doc_type in scopes
    }


def reservation_counts(*, warehouse_ids: Collection[int] | None, now: datetime) -> dict[str, int]:
    """`open`: the reservations that count against availability at `now`; `expiring`: those of
    them that end within `EXPIRING_WITHIN` (24 hours). One query."""
    held = Reservation.objects.filter(counting(at=now))
    if warehouse_ids is not None:
        held = held.filter(warehouse_id__in=warehouse_ids)
    return held.aggregate(open=Count("pk"), expiring=Count("pk", filter=Q(reserved_until__lte=now + EXPIRING_WITHIN)))


def period_sales(*, warehouse_ids: Collection[int] | None, date_from: date, date_to: date) -> QuerySet[SalesDay]:
    """The daily sales of the period (`SalesScope.days`)."""
    return SalesScope(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to).days()


def sales_by_month(*, warehouse_ids: Collection[int] | None, months: Collection[date]) -> dict[date, dict]:
    """The sales figures (quantity, revenue, cogs, profit, margin; see `sales_rows`) of each of
    `months` (their first days), zero for a month without sales. One query."""
    first, last = min(months), max(months)
    rows = group_sales(period_sales(warehouse_ids=warehouse_ids, date_from=first, date_to=month_end(last)), "month")
    found = {row["month"]: row for row in rows}
    return {month: found.get(month, NO_SALES) for month in months}


def sales_by_week(*, warehouse_ids: Collection[int] | None, first_monday: date, weeks: int) -> list[dict]:
    """The sales figures of each of `weeks` weeks from `first_monday` on, oldest first, each
    with its `week` (its Monday); zero for a week without sales. One query."""
    mondays = [first_monday + timedelta(weeks=n) for n in range(weeks)]
    moves = period_sales(warehouse_ids=warehouse_ids, date_from=first_monday, date_to=mondays[-1] + timedelta(days=6))
    rows = group_sales(moves, "week")
    found = {row["week"]: row for row in rows}
    return [{**found.get(monday, NO_SALES), "week": monday} for monday in mondays]


def top_products_by_profit(
    *, warehouse_ids: Collection[int] | None, date_from: date, date_to: date, limit: int = 10
) -> list[dict]:
    """The `limit` products that earned the most gross profit in the period, most first, as
    `sales_rows` by product gives them; products with a movement not valued yet (no profit
    known) are left out. One query."""
    rows = group_sales(period_sales(warehouse_ids=warehouse_ids, date_from=date_from, date_to=date_to), "product")
    valued = SqlRows(f"SELECT * FROM ({rows.sql}) v WHERE profit IS NOT NULL", rows.params, columns=rows.columns)
    return list(valued.order_by("-profit", "sku", "product_id")[:limit])


def month_end(first: date) -> date:
    """The last day of the month that starts on `first`."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
