"""Read side of the deal pages: deals with their amount computed in the query, a deal's rows
with their reservations, and what is available for those rows (one query for all of them)."""

from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from crm.models import Deal, DealRow
from inventory.models import Reservation, ReservationStatus, StockBalance, StockDocument, Warehouse
from inventory.models.reservations import Counting, counting
from inventory.selectors.live import scope_version, version_of

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

AMOUNT: DecimalField = DecimalField(max_digits=30, decimal_places=6)


class RowState(TypedDict):
    active_reservations: "list[WithAnnotations[Reservation, Counting]]"
    active_reservation: "WithAnnotations[Reservation, Counting] | None"
    shown_warehouse: Warehouse | None
    available: Decimal | None


# A deal row from `deal_rows`, with its reservation, warehouse and what is available there.
ShownRow: TypeAlias = "WithAnnotations[DealRow, RowState]"


def deal_amount():
    """Σ quantity × price × (100 − discount) / 100 of the outer deal's rows; zero without rows."""
    line = ExpressionWrapper(
        F("quantity") * F("price") * (Value(100) - F("discount")) / Value(100), output_field=AMOUNT
    )
    total = (
        DealRow.objects.filter(deal_id=OuterRef("pk")).order_by().values("deal_id").annotate(t=Sum(line)).values("t")
    )
    return Coalesce(Subquery(total, output_field=AMOUNT), Value(Decimal(0), output_field=AMOUNT))


def deals_with_amount() -> QuerySet[Deal]:
    """Deals with what every list and card shows, and `amount`; one query for any number."""
    return Deal.objects.select_related("company", "contact__company", "pipeline", "stage", "responsible").annotate(
        amount=deal_amount()
    )


def deal_rows(deal: Deal) -> list[ShownRow]:
    """The deal's rows, each with `active_reservation` (or None; with `is_counting`: False once
    expired), `shown_warehouse` (its own or the default one) and `available` (on hand −
    counting reservations of that balance). A fixed number of queries, whatever the number of
    rows."""
    active = (
        Reservation.objects.filter(status=ReservationStatus.ACTIVE)
        .annotate(is_counting=ExpressionWrapper(counting(), output_field=BooleanField()))
        .order_by("-id")
    )
    # The loop below gives every row the other attributes of `RowState`.
    rows = cast(
        "list[ShownRow]",
        list(
            deal.rows.select_related("product", "warehouse")
            .prefetch_related(Prefetch("reservations", queryset=active, to_attr="active_reservations"))
            .order_by("id")
        ),
    )
    default = None
    if any(row.warehouse_id is None for row in rows):
        default = Warehouse.objects.filter(is_default=True, is_active=True).first()
    pairs = set()
    for row in rows:
        row.active_reservation = row.active_reservations[0] if row.active_reservations else None
        row.shown_warehouse = row.warehouse or default
        if row.shown_warehouse is not None:
            pairs.add((row.shown_warehouse.pk, row.product_id))
    available: dict[tuple[int, int], Decimal] = {}
    if pairs:
        match = Q()
        for warehouse_id, product_id in pairs:
            match |= Q(warehouse_id=warehouse_id, product_id=product_id)
        balances = StockBalance.objects.filter(match).with_available().only("warehouse_id", "product_id", "on_hand")
        for balance in balances:
            available[(balance.warehouse_id, balance.product_id)] = balance.available
    for row in rows:
        key = (row.shown_warehouse.pk, row.product_id) if row.shown_warehouse else None
        row.available = available.get(key, Decimal(0)) if key else None
    return rows


def deal_version(deal: Deal) -> str:
    """What a deal's page depends on: the deal (its stage, header), its rows, its
    reservations, its sales orders and the stock of the warehouses its rows ship from (their
    availability, `scope_version`; a row without one ships from the default warehouse). Six
    queries, seven with such a row."""
    rows = deal.rows.aggregate(
        count=Count("id"),
        last=Max("id"),
        quantity=Sum("quantity"),
        price=Sum("price"),
        discount=Sum("discount"),
        warehouses=ArrayAgg("warehouse_id", distinct=True, default=[]),
    )
    warehouse_ids = set(rows.pop("warehouses"))
    if None in warehouse_ids:
        warehouse_ids.discard(None)
        warehouse_ids.update(Warehouse.objects.filter(is_default=True).values_list("pk", flat=True))
    held = Reservation.objects.filter(deal=deal).aggregate(last=Max("id"), until=Max("reserved_until"))
    orders = StockDocument.objects.filter(deal=deal).aggregate(last=Max("updated_at"))
    return version_of(
        deal.updated_at, sorted(rows.items()), sorted(held.items()), orders["last"], scope_version(warehouse_ids)
    )
