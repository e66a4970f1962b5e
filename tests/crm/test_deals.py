"""Deals and their reservations through the services: reserving, expiry, Won and Lost, row edits."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from crm.models import StageKind
from crm.services.deals import (
    DealInput,
    RowInput,
    add_row,
    delete_row,
    move_deal,
    update_row,
    win_deal,
)
from inventory.errors import InsufficientStock
from inventory.models import DocumentStatus, DocumentType, Reservation, ReservationStatus, StockDocument, StockMove
from inventory.selectors.stock import stock_rows
from inventory.services.documents import process_document
from inventory.services.reservations import release_expired, reserve_row, set_reserved_until
from tests.crm.deal_helpers import deal_with_row, manual_reservations
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="boss", roles=[ADMINISTRATOR])


@pytest.fixture
def staff():
    return UserFactory(username="sari", roles=[STAFF])


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", is_default=True)


@pytest.fixture
def product(admin, wh):
    product = ProductFactory(name="Kopi Toraja", selling_price=Decimal("50000"))
    stock_in(by=admin, warehouse=wh, product=product, quantity=10)
    return product


def available(wh, product) -> Decimal:
    row = stock_rows().get(warehouse=wh, product=product)
    return row.available


def active(deal):
    return list(Reservation.objects.filter(deal=deal, status=ReservationStatus.ACTIVE))


def test_adding_a_product_reserves_it_by_default(staff, wh, product):
    deal, row = deal_with_row(by=staff, product=product, quantity=4)
    (reservation,) = active(deal)
    assert (reservation.quantity, reservation.warehouse, reservation.deal_row) == (4, wh, row)
    assert (
        timezone.now() + timedelta(days=2, hours=23) < reservation.reserved_until <= timezone.now() + timedelta(days=3)
    )
    assert available(wh, product) == 6
    assert row.price == Decimal("50000")  # the catalog price: staff did not type one


def test_auto_reservation_takes_what_is_available_and_manual_mode_none(staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=15)
    assert [r.quantity for r in active(deal)] == [10]
    manual_reservations()
    other, _ = deal_with_row(by=staff, product=product, quantity=1, title="Second")
    assert active(other) == []


def test_a_reservation_cannot_exceed_what_is_available(staff, wh, product):
    manual_reservations()
    _, first = deal_with_row(by=staff, product=product, quantity=8)
    _, second = deal_with_row(by=staff, product=product, quantity=5, title="Second")
    reserve_row(first, by=staff)
    with pytest.raises(InsufficientStock) as refused:
        reserve_row(second, by=staff)
    assert "Kopi Toraja" in str(refused.value) and "Gudang Jakarta" in str(refused.value)
    assert "asked 5" in str(refused.value) and "available 2" in str(refused.value)
    with pytest.raises(ValidationError):
        reserve_row(second, by=staff, quantity=Decimal(6))  # more than the row's quantity


def test_unrelated_outgoing_documents_cannot_take_reserved_stock(admin, staff, wh, product):
    deal_with_row(by=staff, product=product, quantity=7)
    for doc_type in (DocumentType.SALES_ORDER, DocumentType.WRITE_OFF):
        document = make_document(doc_type, by=admin, warehouse=wh, lines=[(product, 4)])
        with pytest.raises(InsufficientStock, match="available 3"):
            process_document(document, by=admin)
    transfer = make_document(
        DocumentType.TRANSFER, by=admin, warehouse=wh, destination=WarehouseFactory(), lines=[(product, 4)]
    )
    with pytest.raises(InsufficientStock):
        process_document(transfer, by=admin)
    assert on_hand(wh, product) == 10


def test_expiry_counts_at_once_and_the_job_tidies_up(admin, staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=10)
    (reservation,) = active(deal)
    order = make_document(DocumentType.SALES_ORDER, by=admin, warehouse=wh, lines=[(product, 2)])
    with pytest.raises(InsufficientStock):
        process_document(order, by=admin)
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        assert available(wh, product) == 10  # before any job ran
        process_document(order, by=admin)
        assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.ACTIVE
        assert release_expired() == 1
        assert release_expired() == 0
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.RELEASED
    assert on_hand(wh, product) == 8 == available(wh, product)


def test_reserved_until_can_be_moved_but_not_into_the_past(staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=1)
    (reservation,) = active(deal)
    later = timezone.now() + timedelta(days=10)
    assert set_reserved_until(reservation, by=staff, until=later).reserved_until == later
    with pytest.raises(ValidationError):
        set_reserved_until(reservation, by=staff, until=timezone.now() - timedelta(minutes=1))


def test_won_ships_the_rows_and_consumes_the_reservations(staff, wh, product):
    other_wh = WarehouseFactory(name="Gudang Surabaya")
    stock_in(by=UserFactory(roles=[ADMINISTRATOR]), warehouse=other_wh, product=product, quantity=5)
    deal, row = deal_with_row(by=staff, product=product, quantity=6)
    from crm.services.deals import add_row

    add_row(deal, by=staff, row=RowInput(product=product, quantity=Decimal(2), warehouse=other_wh))
    won = win_deal(deal, by=staff)  # staff may not process sales orders, but may win deals
    assert won.stage.kind == StageKind.WON and won.closed_at is not None
    orders = list(StockDocument.objects.filter(deal=deal).order_by("warehouse_id"))
    assert [(o.doc_type, o.status, o.warehouse, o.client) for o in orders] == [
        (DocumentType.SALES_ORDER, DocumentStatus.PROCESSED, wh, deal.company),
        (DocumentType.SALES_ORDER, DocumentStatus.PROCESSED, other_wh, deal.company),
    ]
    assert [line.price for line in orders[0].lines.all()] == [row.net_price]
    assert Reservation.objects.filter(deal=deal).values_list("status", flat=True).distinct().get() == "consumed"
    assert (on_hand(wh, product), on_hand(other_wh, product)) == (4, 3)
    assert ledger_sum(wh, product) == 4 and ledger_sum(other_wh, product) == 3


def test_won_merges_rows_of_one_product_in_one_warehouse_into_one_line(staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=3)  # the default warehouse
    from crm.services.deals import add_row

    add_row(deal, by=staff, row=RowInput(product=product, quantity=Decimal(2), warehouse=wh))
    win_deal(deal, by=staff)
    order = StockDocument.objects.get(deal=deal)
    assert [(line.product, line.quantity) for line in order.lines.all()] == [(product, 5)]
    assert on_hand(wh, product) == 5


def test_won_short_changes_nothing(admin, staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=12)  # 10 reserved, 2 short
    stage, moves, orders = deal.stage, StockMove.objects.count(), StockDocument.objects.count()
    with pytest.raises(InsufficientStock) as refused:
        win_deal(deal, by=staff)
    assert "Kopi Toraja" in str(refused.value) and "Gudang Jakarta" in str(refused.value)
    deal.refresh_from_db()
    assert deal.stage == stage and deal.closed_at is None
    assert (StockMove.objects.count(), StockDocument.objects.count()) == (moves, orders)
    assert [r.quantity for r in active(deal)] == [10]


def test_lost_releases_every_reservation(staff, wh, product):
    deal, _ = deal_with_row(by=staff, product=product, quantity=4)
    lost = move_deal(deal, by=staff, stage=deal.pipeline.stages.get(kind=StageKind.LOST))
    assert lost.stage.kind == StageKind.LOST
    assert active(deal) == [] and available(wh, product) == 10
    with pytest.raises(ValidationError):
        win_deal(deal, by=staff)  # closed


def test_editing_a_row_below_its_reservation_shrinks_it_and_deleting_releases(staff, wh, product):
    manual_reservations()
    deal, row = deal_with_row(by=staff, product=product, quantity=6)
    reserve_row(row, by=staff)
    update_row(row, by=staff, data=RowInput(product=product, quantity=Decimal(4)))
    assert [r.quantity for r in active(deal)] == [4]
    delete_row(row, by=staff)
    assert active(deal) == [] and available(wh, product) == 10


def test_moving_a_row_to_another_warehouse_releases_the_old_reservation(staff, wh, product):
    deal, row = deal_with_row(by=staff, product=product, quantity=3)
    empty = WarehouseFactory(name="Gudang Kosong")
    update_row(row, by=staff, data=RowInput(product=product, quantity=Decimal(3), warehouse=empty))
    assert active(deal) == []  # nothing available there to reserve again
    assert available(wh, product) == 10


def test_staff_cannot_change_prices_without_the_right_but_the_administrator_can(admin, staff, wh, product):
    from crm.services.deals import add_row

    deal, _ = deal_with_row(by=staff, product=product, quantity=1)
    typed = RowInput(product=ProductFactory(selling_price=Decimal("10")), quantity=Decimal(1), price=Decimal("1"))
    assert add_row(deal, by=staff, row=typed).price == Decimal("1")  # staff holds "change price in a deal"
    clerk_like = UserFactory(username="no-prices")
    from django.contrib.auth.models import Group

    from accounts.roles import permissions_named

    role = Group.objects.create(name="CRM without prices")
    role.permissions.set(permissions_named(["crm.use_crm"]))
    clerk_like.groups.add(role)
    row = add_row(
        deal,
        by=clerk_like,
        row=RowInput(product=ProductFactory(selling_price=Decimal("20")), quantity=Decimal(1), price=Decimal("2")),
    )
    assert (row.price, row.discount) == (Decimal("20"), 0)


def test_the_clerk_has_no_crm(wh, product):
    clerk = UserFactory(roles=[CLERK])
    with pytest.raises(PermissionDenied):
        deal_with_row(by=clerk, product=product, quantity=1)


def test_a_deal_needs_a_title_and_a_client(staff):
    from crm.services.deals import create_deal

    with pytest.raises(ValidationError) as error:
        create_deal(by=staff, data=DealInput(title=" "))
    assert set(error.value.message_dict) == {"title", "company"}


def test_editing_a_row_whose_reservation_expired_reserves_it_afresh(staff, wh, product):
    deal, row = deal_with_row(by=staff, product=product, quantity=3)
    (old,) = active(deal)
    with time_machine.travel(old.reserved_until + timedelta(hours=1)):
        update_row(row, by=staff, data=RowInput(product=product, quantity=Decimal(4)))
        (renewed,) = active(deal)
        assert renewed.quantity == 4
        assert renewed.reserved_until > timezone.now() + timedelta(days=2)


def test_renewing_an_expired_reservation_needs_the_stock_again(staff, wh, product):
    first, _ = deal_with_row(by=staff, product=product, quantity=10)
    (expired,) = active(first)
    with time_machine.travel(expired.reserved_until + timedelta(hours=1)):
        second, _ = deal_with_row(by=staff, product=product, quantity=10, title="Second")  # takes the 10
        with pytest.raises(InsufficientStock, match="available 0"):
            set_reserved_until(expired, by=staff, until=timezone.now() + timedelta(days=1))
        assert available(wh, product) == 0 and [r.quantity for r in active(second)] == [10]
        assert Reservation.objects.get(pk=expired.pk).reserved_until == expired.reserved_until


def test_a_product_is_one_row_per_warehouse_of_a_deal():
    """The same product from the same warehouse twice is refused with a message (the
    database's unique constraint would otherwise fail the request)."""
    admin, warehouse, product = UserFactory(roles=[ADMINISTRATOR]), WarehouseFactory(), ProductFactory(name="Gula")
    deal, row = deal_with_row(by=admin, product=product, quantity=1, warehouse=warehouse)
    with pytest.raises(ValidationError) as refused:
        add_row(deal, by=admin, row=RowInput(product=product, quantity=Decimal(2), warehouse=warehouse))
    assert "is already a row of this deal" in refused.value.message_dict["product"][0]
    other = add_row(deal, by=admin, row=RowInput(product=ProductFactory(), quantity=Decimal(1), warehouse=warehouse))
    with pytest.raises(ValidationError):
        update_row(other, by=admin, data=RowInput(product=product, quantity=Decimal(1), warehouse=warehouse))
    assert update_row(row, by=admin, data=RowInput(product=product, quantity=Decimal(3), warehouse=warehouse))
    assert deal.rows.count() == 2
