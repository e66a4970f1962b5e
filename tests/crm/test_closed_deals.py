"""A won or lost deal's rows and reservations cannot change: every service refuses, under the
deal's lock, and changes nothing (whoever calls it: a page, a script or another service)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.models import DealRow
from crm.services.deals import RowInput, add_row, delete_row, lose_deal, update_row, win_deal
from inventory.models import Reservation, ReservationStatus
from inventory.services.reservations import (
    release_row,
    reserve_available,
    reserve_row,
    set_reserved_until,
    sync_row_reservation,
)
from tests.crm.deal_helpers import deal_with_row, inventory_settings, manual_reservations
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="sari", roles=[STAFF])


@pytest.fixture
def product():
    wh = WarehouseFactory(name="Gudang Jakarta", is_default=True)
    product = ProductFactory(name="Kopi Toraja")
    stock_in(by=UserFactory(roles=[ADMINISTRATOR]), warehouse=wh, product=product, quantity=10)
    return product


@pytest.fixture(params=["won", "lost"])
def closed_row(request, staff, product) -> DealRow:
    """A row of a closed deal. Won without selling the rows keeps its reservation (4 units)
    active until it expires; lost has released it."""
    inventory_settings(sell_unshipped_on_won=False)
    deal, row = deal_with_row(by=staff, product=product, quantity=4, title="Closed deal")
    (win_deal if request.param == "won" else lose_deal)(deal, by=staff)
    return DealRow.objects.get(pk=row.pk)


def state(row):
    rows = list(DealRow.objects.filter(deal_id=row.deal_id).values_list("id", "product_id", "quantity", "warehouse_id"))
    reservations = list(
        Reservation.objects.filter(deal_id=row.deal_id).values_list("id", "status", "quantity", "reserved_until")
    )
    return rows, reservations


SERVICES = {
    "reserve_row": lambda row, by: reserve_row(row, by=by, quantity=Decimal(2)),
    "reserve_available": lambda row, by: reserve_available(row, by=by),
    "sync_row_reservation": lambda row, by: sync_row_reservation(row, by=by),
    "release_row": lambda row, by: release_row(row, by=by),
    "add_row": lambda row, by: add_row(row.deal, by=by, row=RowInput(product=ProductFactory(), quantity=Decimal(1))),
    "update_row": lambda row, by: update_row(row, by=by, data=RowInput(product=row.product, quantity=Decimal(2))),
    "delete_row": lambda row, by: delete_row(row, by=by),
}


@pytest.mark.parametrize("mode", ["on_add", "manual"])
@pytest.mark.parametrize("service", SERVICES)
def test_row_and_reservation_services_refuse_a_closed_deal(closed_row, staff, service, mode):
    if mode == "manual":
        manual_reservations()
    before = state(closed_row)
    with pytest.raises(ValidationError) as refused:
        SERVICES[service](closed_row, staff)
    assert "“Closed deal” is closed" in " ".join(refused.value.messages)
    assert state(closed_row) == before


def test_a_won_deals_reservation_keeps_its_end(staff, product):
    inventory_settings(sell_unshipped_on_won=False)
    deal, _ = deal_with_row(by=staff, product=product, quantity=4, title="Closed deal")
    win_deal(deal, by=staff)
    (reservation,) = Reservation.objects.filter(deal=deal, status=ReservationStatus.ACTIVE)
    with pytest.raises(ValidationError, match="is closed"):
        set_reserved_until(reservation, by=staff, until=timezone.now() + timedelta(days=30))
    assert Reservation.objects.get(pk=reservation.pk).reserved_until == reservation.reserved_until
