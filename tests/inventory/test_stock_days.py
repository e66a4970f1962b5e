"""The daily stock changes (`StockDay`): what each business day's documents moved of each
balance, in and out, quantity and value, kept by the statement that writes the movements; and
the daily sales (`SalesDay`): what each day's processed sales orders sold of each balance to each
client, quantity, revenue and COGS, kept by the same statement.

Their sums are the balances (on hand and value) whatever is processed, cancelled, back-dated or
run at once; both equal a rebuild from the ledger; a cancelled document counts for nothing on
any day; a change of costing method rewrites their values."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.catalogue import CLERK
from inventory.models import CostingMethod, DocumentStatus, DocumentType, InventorySettings, StockDocument
from inventory.models.stock import SalesDay, StockDay
from inventory.selectors.ledger import sales_day_drift, stock_day_drift
from inventory.services.documents import Header, LineInput, cancel_document, process_document, update_document
from inventory.services.recompute import replay_costs
from inventory.services.stock_days import rebuild_sales_days, rebuild_stock_days
from tests.concurrency import run_together
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.costing_worlds import REFUSALS, World
from tests.stock_helpers import make_document

D = Decimal


def days_as_stored() -> set[tuple]:
    """The non-zero rows of the table: (warehouse, product, day, in, out, value in, value out)."""
    return {
        tuple(row)
        for row in StockDay.objects.exclude(quantity_in=0, quantity_out=0, value_in=0, value_out=0).values_list(
            "warehouse_id", "product_id", "day", "quantity_in", "quantity_out", "value_in", "value_out"
        )
    }


def sales_as_stored() -> set[tuple]:
    """The non-zero rows of the daily sales: (day, warehouse, product, client, currency, quantity,
    revenue, COGS, movements without a value)."""
    return {
        tuple(row)
        for row in SalesDay.objects.exclude(quantity=0, revenue=0, cogs=0, unvalued=0).values_list(
            "day", "warehouse_id", "product_id", "client_id", "currency", "quantity", "revenue", "cogs", "unvalued"
        )
    }


def dated(document: StockDocument, day) -> StockDocument:
    StockDocument.objects.filter(pk=document.pk).update(date=day)
    document.refresh_from_db()
    return document


def on_hand_on(warehouse, product, day) -> Decimal:
    totals = StockDay.objects.filter(warehouse=warehouse, product=product, day__lte=day).aggregate(
        i=Sum("quantity_in"), o=Sum("quantity_out")
    )
    return (totals["i"] or 0) - (totals["o"] or 0)


@pytest.mark.django_db
def test_a_back_dated_receipt_a_sale_and_a_cancelled_write_off(user):
    today = timezone.localdate()
    warehouse, product = WarehouseFactory(), ProductFactory()
    receipt = dated(
        make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 10, 5)]),
        today - timedelta(days=10),
    )
    process_document(receipt, by=user)
    write_off = dated(
        make_document(DocumentType.WRITE_OFF, by=user, warehouse=warehouse, lines=[(product, 2)]),
        today - timedelta(days=5),
    )
    process_document(write_off, by=user)
    sale = make_document(DocumentType.SALES_ORDER, by=user, warehouse=warehouse, lines=[(product, 3, 9)])
    process_document(sale, by=user)
    cancel_document(write_off, by=user)

    w, p = warehouse.pk, product.pk
    assert days_as_stored() == {
        (w, p, today - timedelta(days=10), D(10), D(0), D("50.00"), D(0)),
        (w, p, today, D(0), D(3), D(0), D("15.00")),
    }
    assert on_hand_on(warehouse, product, today - timedelta(days=11)) == 0
    assert on_hand_on(warehouse, product, today - timedelta(days=5)) == 10  # the write-off counts for nothing
    assert on_hand_on(warehouse, product, today) == 7
    assert stock_day_drift() == []


@pytest.mark.django_db
def test_a_cancelled_document_reprocessed_on_another_date_counts_once_on_the_new_date(user):
    today = timezone.localdate()
    warehouse, product = WarehouseFactory(), ProductFactory()
    adjustment = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=warehouse, lines=[(product, 4, 2)])
    process_document(adjustment, by=user)
    cancel_document(adjustment, by=user)
    earlier = today - timedelta(days=3)
    update_document(
        adjustment,
        by=user,
        header=Header(warehouse=warehouse, date=earlier),
        lines=[LineInput(product, D(6), D(2))],
    )
    process_document(adjustment, by=user)
    value = warehouse.balances.get().value  # an adjustment is valued at the product's cost
    assert value > 0
    assert days_as_stored() == {(warehouse.pk, product.pk, earlier, D(6), D(0), value, D(0))}
    assert stock_day_drift() == []


@pytest.mark.django_db
def test_a_sale_cancelled_and_processed_again_on_another_date_counts_once_on_the_new_date(user):
    today = timezone.localdate()
    warehouse, kopi, teh = WarehouseFactory(), ProductFactory(), ProductFactory()
    client = CompanyFactory(is_client=True)
    for product, price in ((kopi, 4), (teh, 6)):
        receipt = make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 10, price)])
        process_document(dated(receipt, today - timedelta(days=9)), by=user)
    sale = make_document(
        DocumentType.SALES_ORDER, by=user, warehouse=warehouse, client=client, lines=[(kopi, 2, 7), (teh, 1, 9)]
    )
    process_document(dated(sale, today - timedelta(days=5)), by=user)
    other = make_document(DocumentType.SALES_ORDER, by=user, warehouse=warehouse, client=client, lines=[(kopi, 3, 5)])
    process_document(dated(other, today - timedelta(days=5)), by=user)
    w, c, k, t = warehouse.pk, client.pk, kopi.pk, teh.pk
    earlier = today - timedelta(days=5)
    assert sales_as_stored() == {
        (earlier, w, k, c, "IDR", D(5), D(29), D(20), 0),
        (earlier, w, t, c, "IDR", D(1), D(9), D(6), 0),
    }
    cancel_document(sale, by=user)
    assert sales_as_stored() == {(earlier, w, k, c, "IDR", D(3), D(15), D(12), 0)}
    process_document(dated(StockDocument.objects.get(pk=sale.pk), today - timedelta(days=2)), by=user)
    assert sales_as_stored() == {
        (earlier, w, k, c, "IDR", D(3), D(15), D(12), 0),
        (today - timedelta(days=2), w, k, c, "IDR", D(2), D(14), D(8), 0),
        (today - timedelta(days=2), w, t, c, "IDR", D(1), D(9), D(6), 0),
    }
    assert sales_day_drift() == []
    stored = sales_as_stored()
    rebuild_sales_days()
    assert sales_as_stored() == stored


@pytest.mark.django_db
def test_the_rebuild_from_the_ledger_gives_the_same_rows(user):
    warehouse, other, product = WarehouseFactory(), WarehouseFactory(), ProductFactory()
    for quantity, price in ((5, 3), (7, 4)):
        doc = make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, quantity, price)])
        process_document(dated(doc, timezone.localdate() - timedelta(days=quantity)), by=user)
    transfer = make_document(
        DocumentType.TRANSFER, by=user, warehouse=warehouse, destination=other, lines=[(product, 6)]
    )
    process_document(transfer, by=user)
    before = days_as_stored()
    assert len(before) == 4
    rebuild_stock_days()
    assert days_as_stored() == before


@pytest.mark.django_db(transaction=True)
def test_a_change_of_costing_method_rewrites_the_values():
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    for price in (10, 20):
        process_document(
            make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=[(product, 1, price)]), by=clerk
        )
    process_document(
        make_document(DocumentType.SALES_ORDER, by=clerk, warehouse=warehouse, lines=[(product, 1, 30)]), by=clerk
    )
    assert StockDay.objects.get().value_out == D("10.00")  # FIFO: the first unit
    assert SalesDay.objects.get().cogs == D("10.00")
    replay_costs(CostingMethod.AVERAGE)
    assert StockDay.objects.get().value_out == D("15.00")
    assert SalesDay.objects.get().cogs == D("15.00")
    assert SalesDay.objects.get().revenue == D(30)
    assert stock_day_drift() == []
    assert sales_day_drift() == []


@pytest.mark.django_db(transaction=True)
def test_clerks_posting_at_once_on_one_day_add_up():
    clerk = UserFactory(roles=[CLERK])
    warehouse, product = WarehouseFactory(), ProductFactory()
    process_document(
        make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=[(product, 10, 1)]), by=clerk
    )
    orders = [
        make_document(DocumentType.WRITE_OFF, by=clerk, warehouse=warehouse, lines=[(product, 1)]) for _ in range(14)
    ]
    receipts = [
        make_document(DocumentType.RECEIPT, by=clerk, warehouse=warehouse, lines=[(product, 1, 2)]) for _ in range(4)
    ]
    client = CompanyFactory(is_client=True)
    sales = [
        make_document(DocumentType.SALES_ORDER, by=clerk, warehouse=warehouse, client=client, lines=[(product, 1, 5)])
        for _ in range(6)
    ]
    results = run_together([lambda d=d: process_document(d, by=clerk) for d in orders + receipts + sales])
    done = [r for r in results if isinstance(r, StockDocument)]
    assert all(isinstance(r, (StockDocument, *REFUSALS)) for r in results), results
    day = StockDay.objects.get()
    out = sum(1 for d in done if d.doc_type in (DocumentType.WRITE_OFF, DocumentType.SALES_ORDER))
    sold = sum(1 for d in done if d.doc_type == DocumentType.SALES_ORDER)
    assert (day.quantity_in, day.quantity_out) == (D(14), D(out))
    assert stock_day_drift() == []
    if sold:
        sales_day = SalesDay.objects.get()
        assert (sales_day.quantity, sales_day.revenue, sales_day.unvalued) == (D(sold), D(5 * sold), 0)
    else:
        assert not SalesDay.objects.exists()
    assert sales_day_drift() == []


# Property: any history of documents on random business days, processed, cancelled, re-dated
# and processed again, leaves the tables equal to their rebuilds (the daily stock changes also
# to the balances), each day's stock equal to what the processed documents dated up to it moved,
# and a replay of the costs under another method leaves them equal to their rebuilds again.
actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("post"),
            st.sampled_from(
                [
                    DocumentType.RECEIPT,
                    DocumentType.WRITE_OFF,
                    DocumentType.TRANSFER,
                    DocumentType.ADJUSTMENT,
                    DocumentType.SALES_ORDER,
                ]
            ),
            st.integers(0, 1),
            st.integers(0, 2),
            st.integers(1, 9),
            st.integers(0, 6),  # days back
        ),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("redate"), st.integers(0, 20), st.integers(0, 6)),
    ),
    min_size=1,
    max_size=10,
)


class TestStockDaysProperty(World, TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(actions=actions)
    def test_days_add_up_to_the_processed_documents(self, actions):
        InventorySettings.objects.update_or_create(
            id=1, defaults={"allow_negative_write_off": True, "allow_negative_transfer": True}
        )
        today = timezone.localdate()
        documents: list[StockDocument] = []
        for action in actions:
            try:
                if action[0] == "post":
                    _kind, doc_type, w, p, quantity, back = action
                    lines = {p: (D(quantity), D(quantity), D(quantity * 3))}
                    document = dated(self.create(doc_type, w, lines), today - timedelta(days=back))
                    documents.append(process_document(document, by=self.clerk))
                elif action[0] == "cancel" and documents:
                    document = documents[action[1] % len(documents)]
                    documents[action[1] % len(documents)] = cancel_document(document, by=self.clerk)
                elif action[0] == "redate" and documents:
                    document = StockDocument.objects.get(pk=documents[action[1] % len(documents)].pk)
                    if document.status == DocumentStatus.CANCELLED:
                        dated(document, today - timedelta(days=action[2]))
                        process_document(document, by=self.clerk)
            except REFUSALS:
                pass
            assert stock_day_drift() == []
            assert sales_day_drift() == []
            self.check_days(today)
        stored, sales = days_as_stored(), sales_as_stored()
        rebuild_stock_days()
        rebuild_sales_days()
        assert (days_as_stored(), sales_as_stored()) == (stored, sales)
        replay_costs(CostingMethod.AVERAGE)
        assert stock_day_drift() == []
        assert sales_day_drift() == []

    def check_days(self, today) -> None:
        """Each day's on hand per balance equals the quantities of the processed documents'
        lines dated up to it (a transfer out of its warehouse and into its destination)."""
        processed = StockDocument.objects.filter(status=DocumentStatus.PROCESSED).prefetch_related("moves")
        for back in range(0, 8):
            day = today - timedelta(days=back)
            expected: dict = {}
            for document in processed:
                if document.date > day:
                    continue
                for move in document.moves.all():
                    key = (move.warehouse_id, move.product_id)
                    expected[key] = expected.get(key, D(0)) + move.quantity
            for warehouse in self.warehouses:
                for product in self.products:
                    key = (warehouse.pk, product.pk)
                    assert on_hand_on(warehouse, product, day) == expected.get(key, D(0)), (day, key)
