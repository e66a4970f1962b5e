"""The replay of the ledger (`inventory.services.recompute.replay_costs`) gives exactly what the
incremental posting wrote: random histories of every document type, processed and cancelled,
FIFO and moving average, with and without negative stock; FIFO → average → FIFO gives the
FIFO figures back; a ledger posted before costing existed; documents posted during a replay."""

import threading
import time
from collections import defaultdict

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from accounts.catalogue import ADMINISTRATOR
from inventory.models import (
    CostingMethod,
    CostLayer,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    StockBalance,
    StockMove,
    ValueAdjustment,
)
from inventory.selectors.ledger import cost_drift as selected_cost_drift
from inventory.services.documents import cancel_document, process_document
from inventory.services.recompute import replay_costs
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.costing_worlds import REFUSALS, D, World, histories, negative
from tests.stock_helpers import make_document

OTHER = {CostingMethod.FIFO: CostingMethod.AVERAGE, CostingMethod.AVERAGE: CostingMethod.FIFO}
actions = histories(posts=2, redos=1, documents=30, max_size=16)


def costs() -> dict:
    """Everything costing wrote, without its ids: per movement its value, per balance its value
    and its layers in order, the takes and adjustments by movement and the layer's movement."""
    layer_move = dict(CostLayer.objects.values_list("id", "move_id"))
    layers = defaultdict(list)
    for row in (
        CostLayer.objects.with_remaining()
        .order_by("id")
        .values_list(
            "warehouse_id", "product_id", "document_id", "move_id", "quantity", "value", "remaining", "remaining_value"
        )
    ):
        layers[row[:2]].append(row[2:])
    return {
        "moves": dict(MoveCost.objects.values_list("move_id", "value")),
        "balances": dict(
            ((w, p), v) for w, p, v in StockBalance.objects.values_list("warehouse_id", "product_id", "value")
        ),
        "layers": dict(layers),
        "takes": sorted(
            (move, layer_move[layer], quantity, value)
            for move, layer, quantity, value in LayerTake.objects.values_list(
                "move_id", "layer_id", "quantity", "value"
            )
        ),
        "adjustments": sorted(
            (move, layer_move[layer], quantity, value)
            for move, layer, quantity, value in ValueAdjustment.objects.values_list(
                "move_id", "layer_id", "quantity", "value"
            )
        ),
    }


def cost_drift() -> list:
    """The balances whose stock value, layers, movement values and adjustments disagree
    (`check_ledger`'s rule), and the movements without a value."""
    return [*selected_cost_drift(), *StockMove.objects.filter(cost__isnull=True).values_list("id", flat=True)]


def method_is(method) -> bool:
    return InventorySettings.current_costing_method() == method


class ReplayEqualsPosting(World, TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(negative=negative, actions=actions)
    def test_fifo(self, negative, actions):
        self.check(CostingMethod.FIFO, negative, actions)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(negative=negative, actions=actions)
    def test_average(self, negative, actions):
        self.check(CostingMethod.AVERAGE, negative, actions)

    def check(self, method, negative, actions):
        self.use(method, negative)
        self.play(actions)
        posted = costs()
        assert cost_drift() == []

        assert replay_costs(method) == StockMove.objects.count()
        assert costs() == posted

        replay_costs(OTHER[method], chunk_size=7)  # pages that split events
        assert method_is(OTHER[method]) and cost_drift() == []
        replay_costs(method)
        assert method_is(method) and costs() == posted

    def play(self, actions):
        documents = []
        for action in actions:
            if action[0] == "post":
                document = self.create(*action[1:])
                documents.append(document)
                run = process_document
            elif not documents:
                continue
            else:
                document = documents[action[1] % len(documents)]
                run = process_document if action[0] == "process" else cancel_document
            try:
                run(document, by=self.clerk)
            except REFUSALS:
                pass


# --- fixed histories -----------------------------------------------------------------------


@pytest.fixture
def shop(db, admin_user):
    InventorySettings.objects.filter(id=1).update(allow_negative_sales_order=True, allow_negative_transfer=True)
    return admin_user, WarehouseFactory(), WarehouseFactory(), ProductFactory(purchase_price=D("90")), ProductFactory()


def run(doc_type, user, warehouse, lines, **kwargs):
    return process_document(make_document(doc_type, by=user, warehouse=warehouse, lines=lines, **kwargs), by=user)


def history(shop):
    """Receipts at different prices, a sale into negative stock, the receipt that covers it,
    a transfer, an adjustment, a count, cancellations, a document processed again, and stock
    that comes back after all of it left (at the last unit cost)."""
    user, wh, other, kopi, teh = shop
    run(DocumentType.ADJUSTMENT, user, wh, [(kopi, 2)])  # no history: the purchase price, 90
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 100), (teh, 4, D("12.50"))])
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 60)])
    run(DocumentType.SALES_ORDER, user, wh, [(kopi, 25), (teh, 1)])  # 3 short
    run(DocumentType.RECEIPT, user, wh, [(kopi, 5, 70)])  # covers them
    transfer = run(DocumentType.TRANSFER, user, wh, [(kopi, 2), (teh, 3)], destination=other)
    cancel_document(transfer, by=user)
    process_document(transfer, by=user)
    run(DocumentType.STOCK_COUNT, user, other, [(kopi, 3)])  # one more at the current cost
    cancel_document(run(DocumentType.WRITE_OFF, user, other, [(teh, 1)]), by=user)
    run(DocumentType.SALES_ORDER, user, other, [(teh, 1)])
    run(DocumentType.RECEIPT, user, wh, [(kopi, 2, 80)])  # none left before it
    run(DocumentType.RECEIPT, user, wh, [(kopi, 2, 100)])
    run(DocumentType.SALES_ORDER, user, wh, [(kopi, 4)])  # all of it, at 90 on average
    run(DocumentType.ADJUSTMENT, user, wh, [(kopi, 1)])


@pytest.mark.parametrize("method", CostingMethod.values)
def test_a_fixed_history_replays_to_what_was_posted(shop, method):
    InventorySettings.objects.filter(id=1).update(costing_method=method)
    history(shop)
    posted = costs()
    replay_costs()
    assert costs() == posted
    replay_costs(OTHER[method])
    assert costs() != posted and cost_drift() == []
    replay_costs(method)
    assert costs() == posted


def test_the_same_document_processed_cancelled_and_processed_in_one_transaction(shop):
    user, wh, _other, kopi, _teh = shop
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 100)])
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 60)])
    sale = run(DocumentType.SALES_ORDER, user, wh, [(kopi, 12)])
    for _ in range(2):
        cancel_document(sale, by=user)
        process_document(sale, by=user)
    posted = costs()
    replay_costs(CostingMethod.FIFO)
    assert costs() == posted


def test_a_ledger_posted_before_costing_gets_its_costs(shop):
    """No cost rows, no balance values: receipts at their line prices, the rest by the rules."""
    user, wh, other, kopi, teh = shop
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 100), (teh, 4, D("12.50"))])
    run(DocumentType.RECEIPT, user, wh, [(kopi, 10, 60)])
    run(DocumentType.SALES_ORDER, user, wh, [(kopi, 15), (teh, 1)])
    run(DocumentType.TRANSFER, user, wh, [(kopi, 2)], destination=other)
    posted = costs()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "TRUNCATE inventory_layertake, inventory_valueadjustment, inventory_costlayer, inventory_movecost"
        )
    StockBalance.objects.update(value=0)
    replay_costs(CostingMethod.FIFO)
    assert costs() == posted
    assert StockBalance.objects.get(warehouse=wh, product=kopi).value == D("180.00")  # 3 × 60


def test_documents_posted_during_the_replay_are_replayed_before_the_swap(shop):
    """Posted with the old method while the replay reads (here: between its pages), replayed
    with the new one at the swap: the result is that of a replay of the whole ledger."""
    user, wh, _other, kopi, _teh = shop
    for price in (100, 60, 80):
        run(DocumentType.RECEIPT, user, wh, [(kopi, 10, price)])
    posted_meanwhile = []

    def post_a_sale(done, total):
        if not posted_meanwhile:
            posted_meanwhile.append(run(DocumentType.SALES_ORDER, user, wh, [(kopi, 15)]))

    replay_costs(CostingMethod.AVERAGE, chunk_size=1, progress=post_a_sale)
    assert posted_meanwhile and method_is(CostingMethod.AVERAGE)
    sale_cost = MoveCost.objects.get(move__document=posted_meanwhile[0]).value
    assert sale_cost == D("-1200.00")  # 15 × 80, the average, not FIFO's 10 × 100 + 5 × 60
    result = costs()
    replay_costs(CostingMethod.AVERAGE)
    assert costs() == result and cost_drift() == []


def test_progress_reaches_the_total(shop):
    history(shop)
    reports = []
    replay_costs(chunk_size=4, progress=lambda done, total: reports.append((done, total)))
    total = StockMove.objects.count()
    assert reports[-1] == (total, total)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


@pytest.mark.django_db(transaction=True)  # two connections: the replay's and a clerk's
def test_documents_processed_by_another_connection_during_the_replay():
    """A clerk keeps selling and cancelling while the costs are recomputed: every document
    goes through, and the result is that of a replay of the whole ledger."""
    user = UserFactory(username="replayer", roles=[ADMINISTRATOR])
    wh, kopi = WarehouseFactory(), ProductFactory()
    for price in range(100, 130):
        run(DocumentType.RECEIPT, user, wh, [(kopi, 10, price)])
    started, done = threading.Event(), []

    def clerk():
        try:
            started.wait(5)
            for _ in range(6):
                sale = run(DocumentType.SALES_ORDER, user, wh, [(kopi, 7)])
                cancel_document(run(DocumentType.SALES_ORDER, user, wh, [(kopi, 2)]), by=user)
                done.append(sale)
        finally:
            connection.close()

    def slowly(done_, total):
        started.set()
        time.sleep(0.02)

    before = StockMove.objects.count()
    other = threading.Thread(target=clerk)
    other.start()
    replayed = replay_costs(CostingMethod.AVERAGE, chunk_size=2, progress=slowly)
    other.join()
    assert replayed > before  # it replayed what was posted meanwhile
    assert len(done) == 6 and method_is(CostingMethod.AVERAGE) and cost_drift() == []
    result = costs()
    replay_costs(CostingMethod.AVERAGE)
    assert costs() == result
