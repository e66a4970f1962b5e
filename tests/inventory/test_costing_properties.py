"""Property: whatever documents of every type are processed and cancelled, in whatever order,
FIFO or moving average, with negative stock allowed or not, the costing tables agree with the
balances and the ledger after every step, refusals change nothing, FIFO takes the oldest stock
first, value is conserved, and cancelling everything brings every value back to zero."""

import re
from collections import defaultdict
from dataclasses import dataclass

from hypothesis import HealthCheck, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis.extra.django import TestCase

from inventory.models import (
    CostingMethod,
    CostLayer,
    DocumentLine,
    DocumentStatus,
    DocumentType,
    LayerTake,
    MoveCost,
    StockBalance,
    StockDocument,
    StockMove,
    ValueAdjustment,
)
from inventory.selectors.ledger import cost_drift, ledger_drift, stock_day_drift
from inventory.services.documents import cancel_document, process_document
from inventory.valuation import to_cent
from tests.inventory.costing_worlds import REFUSALS, D, World, histories, negative

ZERO = D(0)
EXAMPLES = 120  # per method
actions = histories(posts=1, redos=2, documents=20, max_size=12)


def note(text: str) -> None:
    """Count `text` in the statistics (--hypothesis-show-statistics) when run by hypothesis."""
    if currently_in_test_context():
        event(text)


NUMBER = re.compile(r"[A-Z]{2}-\d{6}")


@dataclass(frozen=True)
class State:
    """Everything costing writes, read in a few queries: comparable before and after a step."""

    statuses: dict  # document id → status
    balances: dict  # key → (on_hand, value)
    layers: dict  # id → (key, move_id, remaining, remaining_value)
    takes: dict  # id → (move_id, layer_id, quantity, value)
    moves: dict  # id → (document_id, key, quantity, is_reversal, value or None)
    adjustments: dict  # id → (key, move_id, layer_id, quantity, value)

    @classmethod
    def read(cls) -> "State":
        costs = dict(MoveCost.objects.values_list("move_id", "value"))
        return cls(
            statuses=dict(StockDocument.objects.values_list("id", "status")),
            balances={
                (w, p): (on_hand, value)
                for w, p, on_hand, value in StockBalance.objects.values_list(
                    "warehouse_id", "product_id", "on_hand", "value"
                )
            },
            layers={
                i: ((w, p), move, remaining, value)
                for i, w, p, move, remaining, value in CostLayer.objects.with_remaining().values_list(
                    "id", "warehouse_id", "product_id", "move_id", "remaining", "remaining_value"
                )
            },
            takes={
                row[0]: row[1:]
                for row in LayerTake.objects.values_list("id", "move_id", "layer_id", "quantity", "value")
            },
            moves={
                i: (document, (w, p), quantity, reversal, costs.get(i))
                for i, document, w, p, quantity, reversal in StockMove.objects.values_list(
                    "id", "document_id", "warehouse_id", "product_id", "quantity", "is_reversal"
                )
            },
            adjustments={
                i: ((w, p), move, layer, quantity, value)
                for i, w, p, move, layer, quantity, value in ValueAdjustment.objects.values_list(
                    "id", "warehouse_id", "product_id", "move_id", "layer_id", "quantity", "value"
                )
            },
        )

    def keys(self) -> set:
        return (
            set(self.balances)
            | {layer[0] for layer in self.layers.values()}
            | {move[1] for move in self.moves.values()}
        )

    def layers_of(self, key) -> dict:
        return {i: layer for i, layer in self.layers.items() if layer[0] == key}

    def last_processing(self, document_id: int) -> dict:
        """The document's movements after its last reversal: id → move."""
        own = {i: m for i, m in self.moves.items() if m[0] == document_id}
        last_reversal = max((i for i, m in own.items() if m[3]), default=0)
        return {i: m for i, m in own.items() if not m[3] and i > last_reversal}


class CostingPropertyTest(World, TestCase):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(negative=negative, actions=actions)
    def test_fifo(self, negative, actions):
        self.run_world(CostingMethod.FIFO, negative, actions)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(negative=negative, actions=actions)
    def test_average(self, negative, actions):
        self.run_world(CostingMethod.AVERAGE, negative, actions)

    def run_world(self, method, negative, actions):
        self.use(method, negative)
        documents, processed = [], []
        state = State.read()
        for action in actions:
            if action[0] == "post":
                document = self.create(*action[1:])
                documents.append(document)
                kind, expected = "process", None
                state = State.read()
            elif not documents:
                continue
            elif action[0][-1] in "!?":  # a worked example's step: that document, done (!) or refused (?)
                kind, document, expected = action[0][:-1], documents[action[1]], action[0][-1] == "!"
            else:  # mostly a document the step applies to: cancel a processed one, process another
                kind, expected = action[0], None
                fits = [
                    d for d in documents if (state.statuses[d.pk] == DocumentStatus.PROCESSED) == (kind == "cancel")
                ]
                document = (fits or documents)[action[1] % len(fits or documents)]
            state, done = self.step(kind, document, state, method, may_refuse=expected is not True)
            assert expected is None or done == expected, (kind, document.number)
            if kind == "process" and done:
                processed.append(document)

        # Cancel newest first: each cancel restores the state before its processing. Without
        # negative stock nothing may refuse; with it, a receipt may not take stock below zero
        # again while the shortfall it covered stays covered, so what refuses waits a pass.
        left = [d for d in dict.fromkeys(reversed(processed)) if state.statuses[d.pk] == DocumentStatus.PROCESSED]
        while left:
            waiting = []
            for document in left:
                state, done = self.step("cancel", document, state, method, may_refuse=any(negative))
                if not done:
                    waiting.append(document)
            if len(waiting) == len(left):
                note("stuck: each cancel refused")
                return
            left = waiting
        assert all(status != DocumentStatus.PROCESSED for status in state.statuses.values())
        assert all(balance == (ZERO, ZERO) for balance in state.balances.values()), state.balances
        assert all(layer[2:] == (ZERO, ZERO) for layer in state.layers.values()), state.layers

    def step(self, kind, document, before: State, method, *, may_refuse=True) -> tuple[State, bool]:
        """Process or cancel `document`, check what it wrote; the new state and whether it was done."""
        run = process_document if kind == "process" else cancel_document
        try:
            run(document, by=self.clerk)
        except REFUSALS as refusal:
            if not may_refuse:
                raise
            after = State.read()
            assert after == before, "a refused step changed something"
            note(f"{kind} refused: {type(refusal).__name__}")
            self.check_named_documents_hold_stock(refusal, after)
            return after, False
        after = State.read()
        new = {i: m for i, m in after.moves.items() if i not in before.moves}
        assert all(m[0] == document.pk and m[3] == (kind == "cancel") for m in new.values())
        if kind == "process":
            self.check_processing(document, before, after, new, method)
        else:
            self.check_cancellation(document, before, after, new)
        self.check_invariants(after)
        return after, True

    @staticmethod
    def check_named_documents_hold_stock(refusal: Exception, state: State) -> None:
        """A cancellation refused for the stock others took names only documents that hold it:
        processed ones (a cancelled one holds nothing, and cancelling it again is refused)."""
        if "has been used by" not in str(refusal):
            return
        named = NUMBER.findall(str(refusal).split("has been used by", 1)[1])
        statuses = dict(StockDocument.objects.filter(number__in=named).values_list("number", "status"))
        assert named and all(statuses[n] == DocumentStatus.PROCESSED for n in named), (str(refusal), statuses)

    def check_invariants(self, state: State) -> None:
        moves_value, adjusted = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        moves_quantity = defaultdict(lambda: ZERO)
        for _document, key, quantity, _reversal, value in state.moves.values():
            assert value is not None, "a movement without a value"
            assert value * quantity >= 0, "a movement's value has the opposite sign of its quantity"
            moves_value[key] += value
            moves_quantity[key] += quantity
        for key, *_rest, value in state.adjustments.values():
            adjusted[key] += value
        for key in state.keys():
            on_hand, value = state.balances.get(key, (ZERO, ZERO))
            layers = state.layers_of(key).values()
            assert value == sum((layer[3] for layer in layers), ZERO), key
            assert value == moves_value[key] + adjusted[key], key
            assert on_hand == sum((layer[2] for layer in layers), ZERO) == moves_quantity[key], key
        for key, _move, remaining, value in state.layers.values():
            # Stock is worth something, a shortfall owes something, an empty layer nothing.
            assert (remaining > 0 and value >= 0) or (remaining < 0 and value <= 0) or (remaining == value == 0), (
                key,
                remaining,
                value,
            )
        for move, layer, *_rest in state.takes.values():
            assert state.moves[move][1] == state.layers[layer][0], "a take of another balance's layer"
        # Value conservation: what came in and went out, and the adjustments, is the stock's value;
        # transfers only move value between warehouses.
        transfers = {d for (d,) in StockDocument.objects.filter(doc_type=DocumentType.TRANSFER).values_list("id")}
        assert sum((m[4] for m in state.moves.values() if m[0] in transfers), ZERO) == 0
        outside = sum((m[4] for m in state.moves.values() if m[0] not in transfers), ZERO)
        total = sum((value for _on_hand, value in state.balances.values()), ZERO)
        assert outside + sum(adjusted.values(), ZERO) == total
        assert cost_drift() == [] and ledger_drift() == [] and stock_day_drift() == []

    def check_processing(self, document, before: State, after: State, new: dict, method) -> None:
        doc_type = document.doc_type
        if doc_type == DocumentType.RECEIPT:
            prices = dict(DocumentLine.objects.filter(document=document).values_list("product_id", "price"))
            for _document, key, quantity, _reversal, value in new.values():
                assert value == to_cent(quantity * prices[key[1]])
        if doc_type == DocumentType.TRANSFER:
            by_product = defaultdict(list)
            for move in new.values():
                by_product[move[1][1]].append(move[4])
            assert all(len(values) == 2 and sum(values) == 0 for values in by_product.values()), by_product
        new_takes = {i: t for i, t in after.takes.items() if i not in before.takes}
        for move_id, (_document, key, quantity, _reversal, _value) in new.items():
            takes = [t for t in new_takes.values() if t[0] == move_id]
            made = [layer for layer in after.layers.values() if layer[1] == move_id]
            if quantity < 0 and method == CostingMethod.FIFO:
                self.check_oldest_first(key, takes, made, before, after)
            if quantity > 0:
                self.check_covers_oldest_first(key, takes, made, before, after)

    @staticmethod
    def check_oldest_first(key, takes, made, before: State, after: State) -> None:
        """Each layer taken was the oldest with stock when taken: every older layer that had
        stock before the step is empty now (the same movement took the rest of it)."""
        had_stock = {i for i, layer in before.layers_of(key).items() if layer[2] > 0}
        for _move, layer, quantity, _value in takes:
            assert layer in had_stock and -quantity <= before.layers[layer][2], "took from a layer without stock"
            assert all(after.layers[older][2] == 0 for older in had_stock if older < layer), "skipped an older layer"
        if any(layer[2] < 0 for layer in made):  # a shortfall: all stock taken first
            assert all(after.layers[i][2] == 0 for i in had_stock), "a shortfall while stock was left"

    @staticmethod
    def check_covers_oldest_first(key, takes, made, before: State, after: State) -> None:
        """Incoming stock covers shortfalls oldest first, and adds stock only once none is left."""
        short = {i for i, layer in before.layers_of(key).items() if layer[2] < 0}
        covered = [t for t in takes if t[1] in short]
        for _move, layer, quantity, _value in covered:
            assert quantity > 0 and after.layers[layer][2] <= 0
            assert all(after.layers[older][2] == 0 for older in short if older < layer), (
                "covered a newer shortfall first"
            )
        added = [t for t in takes if t[1] not in short] + [layer for layer in made if layer[2] > 0]
        if added:
            assert all(after.layers[i][2] == 0 for i in short), "stock added while a shortfall was left"

    @staticmethod
    def check_cancellation(document, before: State, after: State, new: dict) -> None:
        """The reversal posts exactly the opposite of the last processing, per balance."""
        last = before.last_processing(document.pk)
        assert sorted((m[1], -m[2], -m[4]) for m in last.values()) == sorted((m[1], m[2], m[4]) for m in new.values())
        undone = sorted((a[0], -a[3], -a[4]) for a in before.adjustments.values() if a[1] in last)
        redone = sorted((a[0], a[3], a[4]) for i, a in after.adjustments.items() if i not in before.adjustments)
        assert undone == redone
        own = [m for m in after.moves.values() if m[0] == document.pk]
        assert sum((m[4] for m in own), ZERO) == 0 and sum((m[2] for m in own), ZERO) == 0

    def test_average_cancels_an_addition_to_the_pool_only_while_no_current_processing_took_after_it(self):
        """A sale processed before a receipt joined the pool, cancelled and processed again after
        it, takes from what the receipt added: the receipt's cancellation is refused, naming the
        sale (it was let through, the pool left with 1 unit worth -8,000)."""
        actions = [
            ("post", DocumentType.RECEIPT, 0, {0: (D(10), ZERO, D(100))}),
            ("post", DocumentType.SALES_ORDER, 0, {0: (D(9), ZERO, ZERO)}),
            ("post", DocumentType.RECEIPT, 0, {0: (D(1), ZERO, D(10000))}),
            ("cancel!", 1),
            ("process", 1),
            ("cancel?", 2),  # refused: the sale took what it added
            ("cancel!", 1),
            ("cancel!", 2),
        ]
        self.run_world(CostingMethod.AVERAGE, (False, False, False), actions)

    def test_average_a_cancelled_addition_to_the_pool_does_not_block_cancelling_later_ones(self):
        """Found by the property: three receipts into one pool, the middle one cancelled; its
        reversal held nothing, yet the last receipt's cancellation was refused naming it, for
        ever (and so was the first's, naming the last)."""
        actions = [("post", DocumentType.RECEIPT, 0, {0: (D(1), ZERO, D(price))}) for price in (10, 20, 40)]
        actions += [("cancel!", 1), ("cancel!", 2), ("cancel!", 0)]
        self.run_world(CostingMethod.AVERAGE, (False, False, False), actions)

    def test_a_cover_uncovered_by_a_cancelled_document_does_not_block_cancelling_a_later_cover(self):
        """A receipt that covered part of a shortfall and was cancelled after a transfer covered
        the rest holds nothing: the transfer can be cancelled (it was refused, naming the
        cancelled receipt, for ever)."""
        actions = [
            ("post", DocumentType.RECEIPT, 0, {0: (D(1), ZERO, D(10))}),
            ("post", DocumentType.SALES_ORDER, 0, {0: (D(6), ZERO, ZERO)}),  # 5 short
            ("post", DocumentType.RECEIPT, 0, {0: (D(2), ZERO, D(20))}),  # covers 2
            ("post", DocumentType.RECEIPT, 1, {0: (D(5), ZERO, D(30))}),
            ("post", DocumentType.TRANSFER, 1, {0: (D(5), ZERO, ZERO)}),  # covers 3, 2 in stock
            ("cancel!", 2),
            ("cancel!", 4),
        ]
        self.run_world(CostingMethod.FIFO, (False, True, True), actions)
