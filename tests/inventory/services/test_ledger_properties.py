"""Property: whatever documents are created, processed and cancelled, in whatever order,
every balance equals the sum of its movements and never goes below zero, and cancelling
every processed document brings every balance back to zero."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.catalogue import ADMINISTRATOR
from inventory.errors import StockError
from inventory.models import DocumentStatus, DocumentType, StockBalance, StockMove
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

WAREHOUSES, PRODUCTS = 3, 3

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(50), places=3)
lines = st.dictionaries(st.integers(0, PRODUCTS - 1), quantities, min_size=1, max_size=PRODUCTS)
create = st.tuples(
    st.just("create"),
    st.sampled_from([t for t in DocumentType.values if t != DocumentType.RETURN]),  # a return: test_returns
    st.integers(0, WAREHOUSES - 1),
    st.integers(1, WAREHOUSES - 1),  # offset of a transfer's destination from its source
    lines,
)
act = st.tuples(st.sampled_from(["process", "cancel"]), st.integers(0, 30))
operations = st.lists(st.one_of(create, act, act), min_size=1, max_size=14)


class LedgerPropertyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clerk = UserFactory(roles=[ADMINISTRATOR])
        cls.warehouses = WarehouseFactory.create_batch(WAREHOUSES)
        cls.products = ProductFactory.create_batch(PRODUCTS)

    @settings(max_examples=200, deadline=None)
    @given(operations)
    def test_balances_follow_the_ledger_and_cancelling_everything_returns_to_zero(self, ops):
        documents, processing_order = [], []
        for op in ops:
            if op[0] == "create":
                documents.append(self.create(*op[1:]))
                continue
            if not documents:
                continue
            document = documents[op[1] % len(documents)]
            try:
                if op[0] == "process":
                    process_document(document, by=self.clerk)
                    processing_order.append(document)
                else:
                    cancel_document(document, by=self.clerk)
            except (StockError, ValidationError):
                pass
            self.assert_ledger_consistent()

        processed = [d for d in dict.fromkeys(reversed(processing_order)) if self.status(d) == DocumentStatus.PROCESSED]
        for document in processed:  # newest processing first: each cancel restores an earlier state
            cancel_document(document, by=self.clerk)
            self.assert_ledger_consistent()
        assert not StockBalance.objects.exclude(on_hand=0).exists()

    def create(self, doc_type, warehouse, offset, quantities):
        source = self.warehouses[warehouse]
        return make_document(
            doc_type,
            by=self.clerk,
            warehouse=source,
            destination=self.warehouses[(warehouse + offset) % WAREHOUSES]
            if doc_type == DocumentType.TRANSFER
            else None,
            lines=[(self.products[p], q) for p, q in quantities.items()],
        )

    @staticmethod
    def status(document):
        document.refresh_from_db()
        return document.status

    @staticmethod
    def assert_ledger_consistent():
        sums = {
            (row["warehouse_id"], row["product_id"]): row["total"]
            for row in StockMove.objects.values("warehouse_id", "product_id").annotate(total=Sum("quantity"))
        }
        for balance in StockBalance.objects.all():
            assert balance.on_hand == sums.get((balance.warehouse_id, balance.product_id), 0)
            assert balance.on_hand >= 0
