"""Processing takes the same handful of queries for 1 line and for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import DocumentType
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("doc_type", [DocumentType.RECEIPT, DocumentType.TRANSFER, DocumentType.STOCK_COUNT])
def test_process_and_cancel_query_counts_do_not_grow_with_lines(user, doc_type):
    source, destination = WarehouseFactory(), WarehouseFactory()
    products = ProductFactory.create_batch(100)

    def queries(count):
        extra = {"destination": destination} if doc_type == DocumentType.TRANSFER else {}
        if doc_type == DocumentType.TRANSFER:  # stock to move first
            receipt = make_document(
                DocumentType.ADJUSTMENT, by=user, warehouse=source, lines=[(p, 5) for p in products[:count]]
            )
            process_document(receipt, by=user)
        document = make_document(
            doc_type, by=user, warehouse=source, lines=[(p, 2, "3.50") for p in products[:count]], **extra
        )
        with CaptureQueriesContext(connection) as processing:
            process_document(document, by=user)
        with CaptureQueriesContext(connection) as cancelling:
            cancel_document(document, by=user)
        assert document.moves.count() == count * (4 if doc_type == DocumentType.TRANSFER else 2)
        return len(processing), len(cancelling)

    one, hundred = queries(1), queries(100)
    assert one == hundred
    # The stock's own (lock, lines, balances, movements…) and costing's: one to read the open
    # layers and the method; its writes go in the movements' statement. Cancelling also reads
    # what the processing posted and who took from it since. Both end with the low-stock check
    # (notifications.services.alerts): one statement while nothing goes below a minimum.
    assert one[0] <= 12 and one[1] <= 14, one
