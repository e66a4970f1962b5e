"""Documents through the API: the services' rules, the pages' rights and warehouse scope."""

from decimal import Decimal

import pytest

from inventory.models import DocumentStatus, StockDocument
from tests.api.helpers import lines
from tests.stock_helpers import make_document, on_hand

pytestmark = pytest.mark.django_db

URL = "/api/v1/documents/{type}/"


def test_a_receipt_is_created_with_lines_processed_and_cancelled(world, as_user):
    api, product, alpha = as_user("clerk"), world["product"], world["alpha"]
    created = api.post(
        URL.format(type="receipt"),
        {"warehouse": alpha.pk, "supplier": world["company"].pk, "lines": lines((product, "5", "12.50"))},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["number"].startswith("RC-")
    assert body["lines"] == [
        {"product": product.pk, "sku": "KOPI-1", "name": "Kopi Bubuk", "quantity": "5.000", "price": "12.50"}
    ]
    assert body["total"] == "62.50" and body["line_count"] == 1
    assert on_hand(alpha, product) == 10

    processed = api.post(f"{URL.format(type='receipt')}{body['id']}/process/", {}, format="json")
    assert processed.status_code == 200, processed.json()
    assert processed.json()["status"] == "processed"
    assert on_hand(alpha, product) == 15

    # the clerk may not cancel (not among the clerk's rights): 403, nothing changes
    refused = api.post(f"{URL.format(type='receipt')}{body['id']}/cancel/")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    cancelled = as_user("admin").post(f"{URL.format(type='receipt')}{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert on_hand(alpha, product) == 10


def test_selling_more_than_is_available_names_product_warehouse_asked_and_available(world, as_user):
    api = as_user("admin")
    order = api.post(
        URL.format(type="sales_order"),
        {"warehouse": world["alpha"].pk, "client": world["company"].pk, "lines": lines((world["product"], 12))},
        format="json",
    ).json()
    response = api.post(f"{URL.format(type='sales_order')}{order['id']}/process/", format="json")
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "insufficient_stock"
    assert error["message"] == (
        "Not enough “KOPI-1 · Kopi Bubuk” in “Gudang Alpha”: asked 12\xa0pcs, available 10\xa0pcs."
    )
    assert error["shortages"] == [
        {
            "product": world["product"].pk,
            "product_name": "KOPI-1 · Kopi Bubuk",
            "warehouse": world["alpha"].pk,
            "warehouse_name": "Gudang Alpha",
            "asked": "12.000",
            "available": "10.000",
        }
    ]
    assert StockDocument.objects.get(pk=order["id"]).status == DocumentStatus.DRAFT
    assert on_hand(world["alpha"], world["product"]) == 10


def test_a_document_of_another_warehouse_is_not_found_and_its_warehouse_not_choosable(world, as_user):
    bravo_doc = make_document("adjustment", by=world["admin"], warehouse=world["bravo"], lines=[(world["product"], 1)])
    api = as_user("limited")
    for method, path in [
        ("get", f"{bravo_doc.pk}/"),
        ("patch", f"{bravo_doc.pk}/"),
        ("delete", f"{bravo_doc.pk}/"),
        ("post", f"{bravo_doc.pk}/process/"),
    ]:
        response = getattr(api, method)(URL.format(type="adjustment") + path, {}, format="json")
        assert response.status_code == 404, (method, path, response.content)
        assert response.json() == {"code": "not_found", "message": "Not found."}
    listed = api.get(URL.format(type="adjustment")).json()
    assert bravo_doc.pk not in [d["id"] for d in listed["results"]]
    typed = api.post(
        URL.format(type="adjustment"),
        {"warehouse": world["bravo"].pk, "lines": lines((world["product"], 1))},
        format="json",
    )
    assert typed.status_code == 400
    assert typed.json()["fields"] == {
        "warehouse": ["That warehouse is not available any more; choose an active warehouse."]
    }
    assert "Bravo" not in typed.content.decode()
    bravo_doc.refresh_from_db()
    assert bravo_doc.status == DocumentStatus.DRAFT and bravo_doc.deleted_at is None


def test_a_draft_is_updated_and_deleted(world, as_user):
    api, product = as_user("admin"), world["product"]
    draft = make_document("write_off", by=world["admin"], warehouse=world["alpha"], lines=[(product, 1)])
    url = f"{URL.format(type='write_off')}{draft.pk}/"
    changed = api.patch(url, {"reason": "Rusak", "lines": lines((product, "2.5"))}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["reason"] == "Rusak" and changed.json()["lines"][0]["quantity"] == "2.500"
    only_comment = api.patch(url, {"comment": "dicek"}, format="json").json()
    assert only_comment["lines"][0]["quantity"] == "2.500" and only_comment["reason"] == "Rusak"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_a_processed_document_cannot_be_edited(world, as_user):
    api = as_user("admin")
    document = make_document("adjustment", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 1)])
    assert api.post(f"{URL.format(type='adjustment')}{document.pk}/process/").status_code == 200
    response = api.patch(f"{URL.format(type='adjustment')}{document.pk}/", {"comment": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    again = api.post(f"{URL.format(type='adjustment')}{document.pk}/process/")
    assert again.status_code == 409 and "already processed" in again.json()["message"]


def test_bad_input_is_a_400_naming_the_field(world, as_user):
    api = as_user("admin")
    response = api.post(
        URL.format(type="receipt"),
        {"warehouse": world["alpha"].pk, "lines": [{"product": world["product"].pk, "quantity": "-1"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"supplier", "lines"}
    no_lines = api.post(URL.format(type="adjustment"), {"warehouse": world["alpha"].pk, "lines": []}, format="json")
    assert no_lines.json()["fields"] == {"lines": ["Add at least one line."]}
    unknown = api.post(
        URL.format(type="adjustment"),
        {"warehouse": world["alpha"].pk, "lines": [{"product": 999999, "quantity": 1}]},
        format="json",
    )
    assert unknown.json()["fields"] == {"lines[0].product": ["No product has the ID 999999."]}


def test_prices_of_receipts_only_with_the_right_to_see_purchase_prices(world, as_user):
    receipt = make_document(
        "receipt", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 2, Decimal("9"))]
    )
    shown = as_user("admin").get(f"{URL.format(type='receipt')}{receipt.pk}/").json()
    assert shown["total"] == "18.00" and shown["lines"][0]["price"] == "9.00"
    hidden = as_user("staff").get(f"{URL.format(type='receipt')}{receipt.pk}/").json()
    assert "total" not in hidden and "price" not in hidden["lines"][0]
    listed = as_user("staff").get(URL.format(type="receipt")).json()["results"]
    assert listed and all("total" not in d for d in listed)
    refused = as_user("staff").patch(
        f"{URL.format(type='receipt')}{receipt.pk}/", {"lines": lines((world["product"], 2, 1))}, format="json"
    )
    assert refused.status_code == 403
    kept = as_user("staff").patch(
        f"{URL.format(type='receipt')}{receipt.pk}/", {"lines": lines((world["product"], 3))}, format="json"
    )
    assert kept.status_code == 200
    assert receipt.lines.get().price == Decimal("9")  # the line keeps the price the staff cannot see


def test_a_receipt_at_zero_price_is_processed_only_when_confirmed(world, as_user):
    api = as_user("admin")
    receipt = make_document("receipt", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 2)])
    url = f"{URL.format(type='receipt')}{receipt.pk}/process/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "unpriced_lines"
    assert "Kopi Bubuk" in refused.json()["message"]
    assert api.post(url, {"confirm_zero_prices": True}, format="json").status_code == 200


def test_the_list_filters_as_the_page(world, as_user):
    api = as_user("admin")
    a = make_document("adjustment", by=world["admin"], warehouse=world["alpha"], lines=[(world["product"], 1)])
    b = make_document("adjustment", by=world["admin"], warehouse=world["bravo"], lines=[(world["product"], 1)])
    ids = [d["id"] for d in api.get(URL.format(type="adjustment"), {"warehouse": world["bravo"].pk}).json()["results"]]
    assert b.pk in ids and a.pk not in ids
    drafts = api.get(URL.format(type="adjustment"), {"status": "draft"}).json()["results"]
    assert {d["id"] for d in drafts} == {a.pk, b.pk}
    wrong = api.get(URL.format(type="adjustment"), {"status": "nope", "date_from": "yesterday"})
    assert wrong.status_code == 400 and set(wrong.json()["fields"]) == {"status", "date_from"}
