"""Winning a deal makes sales orders; a required custom field of the sales-order form is never
skipped silently: the orders take the deal's value of the field with the same key, and without
one the deal is not won and the message names the field. Nothing changes then."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.models import StageKind
from crm.services.deals import DealInput, update_deal, win_deal
from inventory.models import DocumentStatus, InventorySettings, Reservation, ReservationStatus, StockDocument
from layouts.models import FieldType
from tests.crm.deal_helpers import deal_with_row
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.layout_helpers import add_field, hide
from tests.stock_helpers import on_hand, stock_in

pytestmark = pytest.mark.django_db

SLOTS = ["Pagi", "Sore"]


@pytest.fixture
def admin():
    return UserFactory(username="win-admin", roles=[ADMINISTRATOR])


@pytest.fixture
def staff():
    return UserFactory(username="win-staff", roles=[STAFF])


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", is_default=True)


@pytest.fixture
def deal(admin, staff, wh):
    product = ProductFactory(name="Kopi Toraja", selling_price=Decimal("50000"))
    stock_in(by=admin, warehouse=wh, product=product, quantity=10)
    deal, _row = deal_with_row(by=staff, product=product, quantity=3, title="Toko Makmur")
    return deal


@pytest.fixture
def slot_required(admin):
    return add_field(
        admin,
        "document_sales_order",
        "delivery_slot",
        FieldType.CHOICE,
        label="Delivery slot",
        choices=SLOTS,
        required=True,
    )


def unchanged(deal, wh):
    deal.refresh_from_db()
    assert deal.stage.kind == StageKind.OPEN
    assert not StockDocument.objects.filter(deal=deal).exists()
    assert Reservation.objects.get(deal=deal).status == ReservationStatus.ACTIVE
    assert on_hand(wh, deal.rows.get().product) == 10


def test_a_required_order_field_the_deal_does_not_fill_stops_winning(staff, deal, wh, slot_required):
    with pytest.raises(ValidationError) as refused:
        win_deal(deal, by=staff)
    assert "Delivery slot" in " ".join(refused.value.messages)
    unchanged(deal, wh)


def test_the_page_says_which_field(client, staff, deal, wh, slot_required):
    client.force_login(staff)
    response = client.post(reverse("crm:deal_win", args=[deal.pk]), follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Delivery slot" in text and "is won" not in text
    unchanged(deal, wh)


def test_the_orders_take_the_deals_value_of_the_same_key(admin, staff, deal, wh, slot_required):
    add_field(admin, "deal", "delivery_slot", FieldType.CHOICE, label="Delivery slot", choices=SLOTS)
    add_field(admin, "deal", "driver_note", FieldType.TEXT)
    add_field(admin, "document_sales_order", "driver_note", FieldType.TEXT)  # optional: carried too
    update_deal(
        deal,
        by=staff,
        data=DealInput(
            title=deal.title,
            company=deal.company,
            currency="IDR",
            custom={"delivery_slot": "Sore", "driver_note": "Pintu belakang"},
        ),
    )
    win_deal(deal, by=staff)
    order = StockDocument.objects.get(deal=deal)
    assert order.status == DocumentStatus.PROCESSED
    assert order.custom == {"delivery_slot": "Sore", "driver_note": "Pintu belakang"}
    assert on_hand(wh, deal.rows.get().product) == 7


def test_a_deal_value_that_does_not_fit_the_order_field_counts_as_missing(admin, staff, deal, wh, slot_required):
    add_field(admin, "deal", "delivery_slot", FieldType.TEXT, label="Delivery slot")
    update_deal(
        deal,
        by=staff,
        data=DealInput(title=deal.title, company=deal.company, currency="IDR", custom={"delivery_slot": "Malam"}),
    )
    with pytest.raises(ValidationError) as refused:
        win_deal(deal, by=staff)
    assert "Delivery slot" in " ".join(refused.value.messages)
    unchanged(deal, wh)


def test_a_hidden_required_order_field_does_not_stop_winning(admin, staff, deal, slot_required):
    hide(admin, "document_sales_order", "delivery_slot")  # the order form does not ask it either
    win_deal(deal, by=staff)
    assert StockDocument.objects.get(deal=deal).status == DocumentStatus.PROCESSED


def test_without_orders_on_won_nothing_is_asked(staff, deal, slot_required):
    InventorySettings.objects.filter(pk=1).update(sell_unshipped_on_won=False)
    win_deal(deal, by=staff)
    deal.refresh_from_db()
    assert deal.stage.kind == StageKind.WON
