"""The deal pages as a user meets them: list, board, deal page, forms, rows and their
reservations, Won/Lost; bad input never a 500 and changes nothing; constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.models import Company, Deal, DealRow, Pipeline, Stage, StageKind
from inventory.models import DocumentStatus, Reservation, ReservationStatus, StockDocument
from inventory.selectors.stock import stock_rows
from tests.crm.deal_helpers import deal_with_row, inventory_settings, manual_reservations
from tests.factories import BarcodeFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import on_hand, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="boss", roles=[ADMINISTRATOR])


@pytest.fixture
def staff():
    return UserFactory(username="sari", first_name="Sari", last_name="Dewi", roles=[STAFF])


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", is_default=True)


@pytest.fixture
def product(admin, wh):
    product = ProductFactory(sku="KOPI-01", name="Kopi Toraja", selling_price=Decimal("50000"))
    stock_in(by=admin, warehouse=wh, product=product, quantity=10)
    return product


@pytest.fixture
def company():
    return Company.objects.create(name="Toko Sejahtera", is_client=True)


@pytest.fixture
def web(client, staff):
    client.force_login(staff)
    return client


def available(wh, product) -> Decimal:
    return stock_rows().get(warehouse=wh, product=product).available


def active_reservation(row):
    return Reservation.objects.filter(deal_row=row, status=ReservationStatus.ACTIVE).first()


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def follow(web, url, data=None):
    return web.post(url, data or {}, follow=True)


def detail(deal):
    return reverse("crm:deal_detail", args=[deal.pk])


# --- pages render --------------------------------------------------------------------------


def test_list_board_and_detail_show_the_deal(web, staff, product, company):
    deal, row = deal_with_row(by=staff, product=product, quantity=3, company=company, title="Pesanan kopi")
    listing = web.get(reverse("crm:deal_list"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Pesanan kopi" in text and "Toko Sejahtera" in text and "IDR\xa0150,000" in text

    board = web.get(reverse("crm:deal_board"))
    text = board.content.decode()
    assert board.status_code == 200
    assert "Pesanan kopi" in text and "In progress" in text
    assert reverse("crm:deal_move", args=[deal.pk]) in text

    page = web.get(detail(deal))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Kopi Toraja" in text and "Gudang Jakarta" in text
    assert page.context["rows"][0].active_reservation.quantity == 3
    assert page.context["rows"][0].available == 7
    assert reverse("crm:deal_row_reserve", args=[deal.pk, row.pk]) in text


def test_list_filters_by_state_and_title(web, staff, product, company):
    open_deal, _ = deal_with_row(by=staff, product=product, quantity=1, company=company, title="Buka")
    lost, _ = deal_with_row(by=staff, product=product, quantity=1, company=company, title="Tutup")
    web.post(reverse("crm:deal_lose", args=[lost.pk]))
    titles = lambda query: [d.title for d in web.get(reverse("crm:deal_list") + query).context["deals"]]  # noqa: E731
    assert titles("?state=open") == ["Buka"]
    assert titles("?state=closed") == ["Tutup"]
    assert titles("?q=tup") == ["Tutup"]
    assert titles("?sort=created") == ["Buka", "Tutup"]
    assert web.get(reverse("crm:deal_list") + "?stage=abc&pipeline=99999").status_code == 200


def test_board_of_another_pipeline_and_an_unknown_one(web, staff, product, company):
    other = Pipeline.objects.create(name="Grosir", sort=20)
    Stage.objects.create(pipeline=other, name="Kontak", sort=1)
    deal, _ = deal_with_row(by=staff, product=product, quantity=1, company=company, title="Default deal")
    page = web.get(reverse("crm:deal_board") + f"?pipeline={other.pk}")
    assert page.context["pipeline"] == other and "Default deal" not in page.content.decode()
    page = web.get(reverse("crm:deal_board") + "?pipeline=nonsense")
    assert page.context["pipeline"].is_default and "Default deal" in page.content.decode()


# --- create and edit -----------------------------------------------------------------------


def test_create_then_edit_a_deal(web, staff, company):
    response = web.post(
        reverse("crm:deal_create"),
        {"title": "Pesanan baru", "company": company.pk, "responsible": staff.pk, "currency": "idr"},
    )
    deal = Deal.objects.get(title="Pesanan baru")
    assert response.status_code == 302 and response.headers["Location"] == detail(deal)
    assert deal.stage.name == "New" and deal.currency == "IDR" and deal.created_by == staff

    response = web.post(
        reverse("crm:deal_update", args=[deal.pk]),
        {"title": "Pesanan diubah", "company": company.pk, "responsible": staff.pk, "currency": "USD", "comment": "x"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.currency, deal.comment) == ("Pesanan diubah", "USD", "x")


def test_a_deal_without_client_is_refused_beside_the_field(web, staff):
    response = web.post(
        reverse("crm:deal_create"), {"title": "Tanpa klien", "responsible": staff.pk, "currency": "IDR"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["company"]
    assert not Deal.objects.exists()


# --- rows ----------------------------------------------------------------------------------


def test_add_edit_and_delete_a_row_with_its_reservation(web, staff, wh, product, company):
    deal, _ = deal_with_row(by=staff, product=ProductFactory(), quantity=1, company=company)
    BarcodeFactory(product=product, code="8991000000011")
    response = follow(web, reverse("crm:deal_row_add", args=[deal.pk]), {"product": "8991000000011", "quantity": "4"})
    assert response.status_code == 200
    row = DealRow.objects.get(deal=deal, product=product)
    assert active_reservation(row).quantity == 4
    assert available(wh, product) == 6
    assert "4\xa0pcs reserved in Gudang Jakarta" in messages_of(response)

    response = follow(
        web,
        reverse("crm:deal_row_update", args=[deal.pk, row.pk]),
        {"product": "KOPI-01", "quantity": "2", "price": "45000", "discount": "10"},
    )
    row.refresh_from_db()
    assert (row.quantity, row.price, row.discount) == (2, 45000, 10)
    assert active_reservation(row).quantity == 2
    assert available(wh, product) == 8
    assert response.context["rows"][1].amount == Decimal("81000.00")

    web.post(reverse("crm:deal_row_delete", args=[deal.pk, row.pk]))
    assert not DealRow.objects.filter(pk=row.pk).exists()
    assert available(wh, product) == 10


def test_price_and_discount_inputs_only_with_the_right(client, staff, product, company):
    deal, _ = deal_with_row(by=staff, product=product, quantity=1, company=company)
    seller = UserFactory(username="no-prices", roles=[STAFF])
    seller.user_permissions.clear()
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="CRM only")
    group.permissions.set(
        Group.objects.get(name=STAFF).permissions.exclude(codename="change_deal_prices", content_type__app_label="crm")
    )
    seller.groups.set([group])
    client.force_login(seller)
    text = client.get(detail(deal)).content.decode()
    assert 'name="quantity"' in text and 'name="price"' not in text and 'name="discount"' not in text


@pytest.mark.parametrize(
    "data",
    [
        {"product": "KOPI-01", "quantity": "abc"},
        {"product": "KOPI-01", "quantity": "-1"},
        {"product": "KOPI-01", "quantity": "0"},
        {"product": "KOPI-01", "quantity": "99999999999999999999"},
        {"product": "KOPI-01", "quantity": "1", "price": "-5"},
        {"product": "KOPI-01", "quantity": "1", "discount": "150"},
        {"product": "KOPI-01", "quantity": "1", "warehouse": "999999"},
        {"product": "TIDAK-ADA", "quantity": "1"},
        {"product": "", "quantity": ""},
    ],
)
def test_bad_row_input_is_shown_and_changes_nothing(web, staff, product, company, data):
    deal, row = deal_with_row(by=staff, product=ProductFactory(), quantity=1, company=company)
    for url in (reverse("crm:deal_row_add", args=[deal.pk]), reverse("crm:deal_row_update", args=[deal.pk, row.pk])):
        response = web.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "invalid-feedback" in response.content.decode()
    assert list(deal.rows.values_list("pk", "quantity")) == [(row.pk, 1)]


def test_another_deals_row_and_unknown_deals_are_404(web, staff, product, company):
    deal, _ = deal_with_row(by=staff, product=product, quantity=1, company=company, title="A")
    other, other_row = deal_with_row(by=staff, product=product, quantity=1, company=company, title="B")
    for name in ("deal_row_delete", "deal_row_reserve", "deal_row_release", "reservation_until", "deal_row_update"):
        assert web.post(reverse(f"crm:{name}", args=[deal.pk, other_row.pk])).status_code == 404
    assert DealRow.objects.filter(pk=other_row.pk).exists()
    assert active_reservation(other_row) is not None
    for name in ("deal_detail", "deal_update", "deal_row_add"):
        assert web.get(reverse(f"crm:{name}", args=[999999])).status_code == 404


# --- reservations --------------------------------------------------------------------------


def test_reserve_change_until_and_release(web, staff, wh, product, company):
    manual_reservations()
    deal, row = deal_with_row(by=staff, product=product, quantity=3, company=company)
    assert active_reservation(row) is None

    response = follow(web, reverse("crm:deal_row_reserve", args=[deal.pk, row.pk]))
    assert active_reservation(row).quantity == 3 and available(wh, product) == 7
    assert "reserved" in messages_of(response)

    until = timezone.localtime() + timedelta(days=10)
    web.post(
        reverse("crm:reservation_until", args=[deal.pk, row.pk]), {"reserved_until": until.strftime("%Y-%m-%dT%H:%M")}
    )
    assert timezone.localtime(active_reservation(row).reserved_until).date() == until.date()

    before = active_reservation(row).reserved_until
    for bad in ("2000-01-01T10:00", "not a date", ""):
        response = follow(web, reverse("crm:reservation_until", args=[deal.pk, row.pk]), {"reserved_until": bad})
        assert response.status_code == 200 and messages_of(response)
        assert active_reservation(row).reserved_until == before

    web.post(reverse("crm:deal_row_release", args=[deal.pk, row.pk]))
    assert active_reservation(row) is None and available(wh, product) == 10


def test_an_expired_reservation_is_marked_and_a_closed_deals_reservation_refused(web, staff, wh, product, company):
    deal, row = deal_with_row(by=staff, product=product, quantity=3, company=company)
    badge = 'row-reserved">3 <span class="badge text-bg-warning">expired</span>'
    assert badge not in web.get(detail(deal)).content.decode()
    with time_machine.travel(active_reservation(row).reserved_until + timedelta(minutes=1)):
        assert badge in web.get(detail(deal)).content.decode()
    # Won without selling: the reservation stays until it expires, and cannot change.
    inventory_settings(sell_unshipped_on_won=False)
    follow(web, reverse("crm:deal_win", args=[deal.pk]))
    until = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    before = active_reservation(row).reserved_until
    for url, data in [
        (reverse("crm:reservation_until", args=[deal.pk, row.pk]), {"reserved_until": until}),
        (reverse("crm:deal_row_release", args=[deal.pk, row.pk]), {}),
        (reverse("crm:deal_row_reserve", args=[deal.pk, row.pk]), {}),
    ]:
        response = follow(web, url, data)
        assert response.status_code == 200 and "is closed" in messages_of(response)
        assert active_reservation(row).reserved_until == before


def test_reserving_more_than_available_is_a_message(web, staff, wh, product, company):
    manual_reservations()
    deal, row = deal_with_row(by=staff, product=product, quantity=25, company=company)
    response = follow(web, reverse("crm:deal_row_reserve", args=[deal.pk, row.pk]))
    assert response.status_code == 200
    text = messages_of(response)
    assert "Kopi Toraja" in text and "Gudang Jakarta" in text and "asked 25" in text and "available 10" in text
    assert active_reservation(row) is None


# --- stages, Won and Lost ------------------------------------------------------------------


def test_won_with_enough_stock_links_the_processed_sales_order(web, staff, wh, product, company):
    deal, _ = deal_with_row(by=staff, product=product, quantity=4, company=company)
    response = web.post(reverse("crm:deal_win", args=[deal.pk]))
    assert response.status_code == 302 and response.headers["Location"] == detail(deal)
    deal.refresh_from_db()
    assert deal.stage.kind == StageKind.WON
    order = StockDocument.objects.get(deal=deal)
    assert order.status == DocumentStatus.PROCESSED and on_hand(wh, product) == 6
    page = web.get(detail(deal))
    text = page.content.decode()
    assert reverse("inventory:document_detail", args=[order.doc_type, order.pk]) in text
    assert reverse("crm:deal_win", args=[deal.pk]) not in text  # closed: no more buttons


def test_won_with_short_stock_is_a_message_and_changes_nothing(web, staff, wh, product, company):
    deal, row = deal_with_row(by=staff, product=product, quantity=25, company=company)
    reserved = active_reservation(row).quantity
    response = follow(web, reverse("crm:deal_win", args=[deal.pk]))
    assert response.status_code == 200
    assert "Kopi Toraja" in messages_of(response) and "asked 25" in messages_of(response)
    deal.refresh_from_db()
    assert deal.stage.kind == StageKind.OPEN
    assert not StockDocument.objects.filter(deal=deal).exists()
    assert on_hand(wh, product) == 10 and active_reservation(row).quantity == reserved


def test_lost_releases_and_closes(web, staff, wh, product, company):
    deal, row = deal_with_row(by=staff, product=product, quantity=4, company=company)
    follow(web, reverse("crm:deal_lose", args=[deal.pk]))
    deal.refresh_from_db()
    assert deal.stage.kind == StageKind.LOST and active_reservation(row) is None
    assert available(wh, product) == 10
    # A closed deal refuses changes with a message, never a 500.
    response = follow(web, reverse("crm:deal_row_add", args=[deal.pk]), {"product": "KOPI-01", "quantity": "1"})
    assert response.status_code == 200 and deal.rows.count() == 1
    response = follow(web, reverse("crm:deal_row_reserve", args=[deal.pk, row.pk]))
    assert "closed" in messages_of(response) and active_reservation(row) is None


def test_move_between_stages_and_bad_stages(web, staff, product, company):
    deal, _ = deal_with_row(by=staff, product=product, quantity=1, company=company)
    progress = deal.pipeline.stages.get(name="In progress")
    board = reverse("crm:deal_board")
    response = web.post(reverse("crm:deal_move", args=[deal.pk]), {"stage": progress.pk, "next": board})
    assert response.headers["Location"] == board
    deal.refresh_from_db()
    assert deal.stage == progress
    other = Pipeline.objects.create(name="Grosir", sort=20)
    foreign = Stage.objects.create(pipeline=other, name="Kontak", sort=1)
    for bad in (foreign.pk, "abc", "", 999999):
        response = follow(
            web, reverse("crm:deal_move", args=[deal.pk]), {"stage": bad, "next": "https://evil.example/"}
        )
        assert response.status_code == 200 and messages_of(response)
        deal.refresh_from_db()
        assert deal.stage == progress
    won = deal.pipeline.stages.get(kind=StageKind.WON)
    web.post(reverse("crm:deal_move", args=[deal.pk]), {"stage": won.pk})
    deal.refresh_from_db()
    assert deal.stage == won


# --- query counts --------------------------------------------------------------------------


def count(web, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert web.get(url).status_code == 200
    return len(queries)


def test_list_and_board_queries_do_not_grow_with_deals(web, staff, product, company):
    deal_with_row(by=staff, product=product, quantity=1, company=company, title="first")
    list_one, board_one = count(web, reverse("crm:deal_list")), count(web, reverse("crm:deal_board"))
    for number in range(19):
        deal_with_row(by=staff, product=product, quantity=Decimal("0.1"), company=company, title=f"deal {number}")
    assert count(web, reverse("crm:deal_list")) == list_one
    assert count(web, reverse("crm:deal_board")) == board_one


def test_deal_page_queries_do_not_grow_with_rows(web, admin, staff, wh, company):
    other = WarehouseFactory(name="Gudang Bandung")
    products = [ProductFactory() for _ in range(20)]
    for item in products:
        stock_in(by=admin, warehouse=wh, product=item, quantity=5)
    deal, _ = deal_with_row(by=staff, product=products[0], quantity=1, company=company)
    one = count(web, detail(deal))
    from crm.services.deals import RowInput, add_row

    for index, item in enumerate(products[1:]):
        add_row(deal, by=staff, row=RowInput(product=item, quantity=Decimal(2), warehouse=other if index % 2 else None))
    assert count(web, detail(deal)) == one
