"""`Idempotency-Key`: a retried create or process acts once and answers as the first time,
also when the retries arrive at the same moment (threads on their own connections)."""

from decimal import Decimal

import pytest

from inventory.models import DocumentStatus, StockDocument, StockMove
from inventory.services.documents import process_document
from tests.api.helpers import lines, token_client
from tests.concurrency import run_together
from tests.stock_helpers import make_document, on_hand

ORDERS = "/api/v1/documents/sales_order/"


def order_body(world, quantity):
    return {"warehouse": world["alpha"].pk, "client": world["company"].pk, "lines": lines((world["product"], quantity))}


@pytest.mark.django_db
def test_a_retried_create_returns_the_first_document_and_creates_no_other(world, as_user):
    api = as_user("admin")
    first = api.post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="order-7")
    again = api.post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="order-7")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert StockDocument.objects.filter(doc_type="sales_order").count() == 1
    other = api.post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="order-8")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_a_key_is_the_users_own_and_one_request_only(world, as_user):
    api = as_user("admin")
    api.post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    changed = api.post(ORDERS, order_body(world, 2), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    someone_else = as_user("clerk").post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert someone_else.status_code == 201 and "Idempotent-Replayed" not in someone_else.headers
    assert StockDocument.objects.filter(doc_type="sales_order").count() == 2
    bad = api.post(ORDERS, order_body(world, 1), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["fields"]


@pytest.mark.django_db
def test_a_retried_process_returns_the_first_answer_even_a_refusal(world, as_user):
    api = as_user("admin")
    order = make_document("sales_order", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 12)])
    url = f"{ORDERS}{order.pk}/process/"
    short = api.post(url, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert short.status_code == 409 and short.json()["code"] == "insufficient_stock"
    make_document("adjustment", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 5)])
    process_document(StockDocument.objects.filter(doc_type="adjustment").latest("id"), by=world["admin"])
    replay = api.post(url, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert replay.status_code == 409 and replay.json() == short.json()
    assert StockDocument.objects.get(pk=order.pk).status == DocumentStatus.DRAFT
    assert api.post(url, format="json", HTTP_IDEMPOTENCY_KEY="p2").status_code == 200
    assert on_hand(world["alpha"], world["product"]) == Decimal(3)


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_a_create_make_one_document(world):
    clients = [token_client(world["admin"]) for _ in range(4)]
    body = order_body(world, 1)
    results = run_together(
        [lambda c=c: c.post(ORDERS, body, format="json", HTTP_IDEMPOTENCY_KEY="same-order") for c in clients]
    )
    assert all(r.status_code == 201 for r in results), [getattr(r, "content", r) for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in results) == 3
    assert StockDocument.objects.filter(doc_type="sales_order").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_a_process_move_the_stock_once(world):
    order = make_document("sales_order", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 6)])
    clients = [token_client(world["admin"]) for _ in range(4)]
    url = f"{ORDERS}{order.pk}/process/"
    results = run_together([lambda c=c: c.post(url, format="json", HTTP_IDEMPOTENCY_KEY="ship-it") for c in clients])
    assert all(r.status_code == 200 for r in results), [getattr(r, "content", r) for r in results]
    assert all(r.json() == results[0].json() for r in results)
    assert StockMove.objects.filter(document=order).count() == 1
    assert on_hand(world["alpha"], world["product"]) == Decimal(4)


@pytest.mark.django_db(transaction=True)
def test_without_a_key_concurrent_processing_still_happens_once(world):
    """The service's own guard: the others are told the document is already processed."""
    order = make_document("sales_order", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 6)])
    clients = [token_client(world["admin"]) for _ in range(3)]
    results = run_together([lambda c=c: c.post(f"{ORDERS}{order.pk}/process/", format="json") for c in clients])
    assert sorted(r.status_code for r in results) == [200, 409, 409]
    assert on_hand(world["alpha"], world["product"]) == Decimal(4)
