"""Reservations under concurrency: never more than is available, against each other and
against sales that are not the deal's."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.models import Deal, DealRow
from crm.services.deals import RowInput, lose_deal, update_row
from inventory.errors import InsufficientStock
from inventory.models import DocumentStatus, DocumentType, Reservation, StockDocument
from inventory.services.documents import process_document
from inventory.services.reservations import reserve_row
from tests.concurrency import run_together
from tests.crm.deal_helpers import deal_with_row, manual_reservations
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db(transaction=True)


def reserved(warehouse, product) -> Decimal:
    return Reservation.objects.filter(warehouse=warehouse, product=product, status="active").aggregate(
        s=Sum("quantity")
    )["s"] or Decimal(0)


def test_ten_deals_reserving_one_each_against_five_available():
    admin, staff = UserFactory(roles=[ADMINISTRATOR]), UserFactory(roles=[STAFF])
    warehouse, product = WarehouseFactory(is_default=True), ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=5)
    manual_reservations()
    rows = [deal_with_row(by=staff, product=product, quantity=1, title=f"Deal {i}")[1] for i in range(10)]

    results = run_together([lambda r=r: reserve_row(r, by=staff) for r in rows])

    made = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(made) == 5 and len(refused) == 5, results
    assert all(product.name in str(e) and "available 0" in str(e) for e in refused)
    assert reserved(warehouse, product) == 5 == on_hand(warehouse, product)


def test_reservations_racing_an_unrelated_sale_never_oversell():
    admin, staff = UserFactory(roles=[ADMINISTRATOR]), UserFactory(roles=[STAFF])
    warehouse, product = WarehouseFactory(is_default=True), ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=10)
    manual_reservations()
    rows = [deal_with_row(by=staff, product=product, quantity=2, title=f"Deal {i}")[1] for i in range(4)]
    orders = [
        make_document(DocumentType.SALES_ORDER, by=admin, warehouse=warehouse, lines=[(product, 3)]) for _ in range(2)
    ]

    calls = [lambda r=r: reserve_row(r, by=staff) for r in rows]
    calls += [lambda o=o: process_document(o, by=admin) for o in orders]
    results = run_together(calls)

    assert all(isinstance(r, (Reservation, StockDocument, InsufficientStock)) for r in results), results
    sold = StockDocument.objects.filter(pk__in=[o.pk for o in orders], status=DocumentStatus.PROCESSED).count()
    stock = on_hand(warehouse, product)
    assert stock == 10 - 3 * sold == ledger_sum(warehouse, product)
    assert stock - reserved(warehouse, product) >= 0
    # Everyone who was refused was refused for want of stock: the rest fits exactly or leaves < the ask.
    assert sum(isinstance(r, InsufficientStock) for r in results) >= 1


def test_editing_and_reserving_one_row_at_once_never_fails():
    """Editing a row (which re-syncs its reservation) and reserving it, at the same moment, 50
    times: no deadlock reaches the user, and the reservation always fits the row and the stock."""
    admin, staff = UserFactory(roles=[ADMINISTRATOR]), UserFactory(roles=[STAFF])
    warehouse, product = WarehouseFactory(is_default=True), ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=6)
    deal, row = deal_with_row(by=staff, product=product, quantity=4)  # "on adding": 4 reserved

    for round_ in range(50):
        quantity = Decimal(8 if round_ % 2 else 3)  # 8 is more than the 6 on hand
        results = run_together(
            [
                lambda q=quantity: update_row(row, by=staff, data=RowInput(product=product, quantity=q)),
                lambda: reserve_row(row, by=staff),
            ]
        )

        assert all(isinstance(r, (DealRow, Reservation, InsufficientStock)) for r in results), (round_, results)
        current = DealRow.objects.get(pk=row.pk)
        held = reserved(warehouse, product)
        assert current.quantity == quantity
        assert 0 < held <= min(current.quantity, on_hand(warehouse, product)), (round_, held)


def test_a_deal_lost_while_it_is_being_reserved_keeps_no_reservation():
    admin, staff = UserFactory(roles=[ADMINISTRATOR]), UserFactory(roles=[STAFF])
    warehouse, product = WarehouseFactory(is_default=True), ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=100)
    manual_reservations()
    for round_ in range(10):
        deal, row = deal_with_row(by=staff, product=product, quantity=2, title=f"Deal {round_}")

        results = run_together([lambda d=deal: lose_deal(d, by=staff), lambda r=row: reserve_row(r, by=staff)])

        assert isinstance(results[0], Deal), results
        assert isinstance(results[1], Reservation) or "is closed" in str(results[1]), results
        assert not Reservation.objects.filter(deal=deal, status="active").exists(), (round_, results)
