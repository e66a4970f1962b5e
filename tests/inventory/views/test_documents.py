"""Stock document pages over HTTP: lifecycle per type, refusals that change nothing, bad input,
scanning, product lookup and query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import DocumentLine, DocumentStatus, DocumentType, StockDocument, StockMove
from inventory.services.documents import process_document
from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import ledger_sum, make_document, on_hand, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def other_wh():
    return WarehouseFactory(name="Gudang Bandung")


@pytest.fixture
def product():
    return ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")


def url(name, doc_type, *args):
    return reverse(f"inventory:{name}", args=[doc_type, *args])


def form_data(user, *, lines, **header) -> dict:
    """POST data of the document form: header fields plus the line formset."""
    data = {
        "date": "2026-03-01",
        "currency": "IDR",
        "responsible": str(user.pk),
        "comment": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for key, value in header.items():
        data[key] = str(getattr(value, "pk", value))
    for i, line in enumerate(lines):
        product, quantity = line[0], line[1]
        data[f"lines-{i}-product"] = product if isinstance(product, str) else product.sku
        data[f"lines-{i}-quantity"] = str(quantity)
        if len(line) > 2:
            data[f"lines-{i}-price"] = str(line[2])
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def header_for(doc_type, wh, other_wh) -> dict:
    return {
        DocumentType.RECEIPT: {"supplier": CompanyFactory(is_supplier=True), "warehouse": wh},
        DocumentType.ADJUSTMENT: {"warehouse": wh},
        DocumentType.TRANSFER: {"warehouse": wh, "destination": other_wh},
        DocumentType.WRITE_OFF: {"warehouse": wh, "reason": "Damaged"},
        DocumentType.SALES_ORDER: {"client": CompanyFactory(is_client=True), "warehouse": wh},
        DocumentType.STOCK_COUNT: {"warehouse": wh},
    }[doc_type]


# what each type does to (wh, other_wh) on hand, starting from 10 in wh, with a line of 4
EFFECT = {
    DocumentType.RECEIPT: (14, 0),
    DocumentType.ADJUSTMENT: (14, 0),
    DocumentType.TRANSFER: (6, 4),
    DocumentType.WRITE_OFF: (6, 0),
    DocumentType.SALES_ORDER: (6, 0),
    DocumentType.STOCK_COUNT: (4, 0),
}


# A return's comes back from a shipped order: tests/inventory/test_returns.py.
@pytest.mark.parametrize("doc_type", [t for t in DocumentType if t != DocumentType.RETURN])
def test_full_lifecycle_over_http(client_logged_in, user, wh, other_wh, product, doc_type):
    stock_in(by=user, warehouse=wh, product=product, quantity=10)
    data = form_data(user, lines=[(product, "4", "1500")], **header_for(doc_type, wh, other_wh))

    response = client_logged_in.post(url("document_create", doc_type), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = StockDocument.objects.filter(doc_type=doc_type).latest("id")
    assert response.url == url("document_detail", doc_type, document.pk)
    assert document.status == DocumentStatus.DRAFT
    line = document.lines.get()
    assert (line.product, line.quantity) == (product, Decimal("4"))
    assert on_hand(wh, product) == 10  # a draft changes nothing

    detail = client_logged_in.get(response.url)
    assert detail.status_code == 200
    assert document.number in detail.content.decode()

    response = client_logged_in.post(url("document_process", doc_type, document.pk), follow=True)
    assert f"{document.number} processed." in messages_of(response)
    assert (on_hand(wh, product), on_hand(other_wh, product)) == EFFECT[doc_type]

    response = client_logged_in.post(url("document_cancel", doc_type, document.pk), follow=True)
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED
    assert (on_hand(wh, product), on_hand(other_wh, product)) == (10, 0)
    assert ledger_sum(wh, product) == 10

    client_logged_in.post(url("document_process", doc_type, document.pk))
    assert (on_hand(wh, product), on_hand(other_wh, product)) == EFFECT[doc_type]
    client_logged_in.post(url("document_cancel", doc_type, document.pk))

    response = client_logged_in.post(url("document_delete", doc_type, document.pk), follow=True)
    assert f"{document.number} deleted." in messages_of(response)
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert client_logged_in.get(url("document_detail", doc_type, document.pk)).status_code == 404
    assert document.number not in client_logged_in.get(url("document_list", doc_type)).content.decode()


def test_edit_a_draft_replaces_header_and_lines(client_logged_in, user, wh, other_wh, product):
    second = ProductFactory()
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    page = client_logged_in.get(url("document_update", "adjustment", document.pk))
    assert page.status_code == 200
    assert "KOPI-01" in page.content.decode()

    data = form_data(user, lines=[(product, "2.5"), (second, 3)], warehouse=other_wh)
    response = client_logged_in.post(url("document_update", "adjustment", document.pk), data)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.warehouse == other_wh
    assert sorted((line.product_id, line.quantity) for line in document.lines.all()) == sorted(
        [(product.pk, Decimal("2.5")), (second.pk, Decimal("3"))]
    )


def test_edit_form_with_a_removed_row(client_logged_in, user, wh, product):
    second = ProductFactory()
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1), (second, 2)])
    data = form_data(user, lines=[(product, 1), (second, 2)], warehouse=wh)
    data["lines-INITIAL_FORMS"] = "2"
    data["lines-1-DELETE"] = "on"
    response = client_logged_in.post(url("document_update", "adjustment", document.pk), data)
    assert response.status_code == 302
    assert list(document.lines.values_list("product_id", flat=True)) == [product.pk]


def _snapshot(document, wh, product):
    document.refresh_from_db()
    lines = list(document.lines.values_list("product_id", "quantity", "price"))
    return (
        document.status,
        document.warehouse_id,
        document.comment,
        lines,
        on_hand(wh, product),
        StockMove.objects.count(),
    )


@pytest.mark.parametrize("action", ["edit", "delete", "process"])
def test_processed_document_refuses_edit_delete_and_reprocess(client_logged_in, user, wh, other_wh, product, action):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 5)])
    process_document(document, by=user)
    before = _snapshot(document, wh, product)

    if action == "edit":
        data = form_data(user, lines=[(product, 99)], warehouse=other_wh, comment="changed")
        response = client_logged_in.post(url("document_update", "adjustment", document.pk), data, follow=True)
        assert any("cannot be edited" in m for m in messages_of(response))
        response = client_logged_in.get(url("document_update", "adjustment", document.pk), follow=True)
        assert any("cannot be edited" in m for m in messages_of(response))
    elif action == "delete":
        response = client_logged_in.post(url("document_delete", "adjustment", document.pk), follow=True)
        assert any("already processed" in m for m in messages_of(response))
    else:
        response = client_logged_in.post(url("document_process", "adjustment", document.pk), follow=True)
        assert any("already processed" in m for m in messages_of(response))

    assert response.status_code == 200
    assert _snapshot(document, wh, product) == before
    assert on_hand(wh, product) == 5


def test_double_submit_of_process_applies_once(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 5)])
    first = client_logged_in.post(url("document_process", "adjustment", document.pk), follow=True)
    second = client_logged_in.post(url("document_process", "adjustment", document.pk), follow=True)
    assert f"{document.number} processed." in messages_of(first)
    assert any("already processed" in m for m in messages_of(second))
    assert on_hand(wh, product) == 5
    assert StockMove.objects.filter(document=document).count() == 1


def test_stale_edit_form_after_processing_changes_nothing(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 5)])
    form_page = client_logged_in.get(url("document_update", "adjustment", document.pk))
    assert form_page.status_code == 200
    process_document(document, by=user)  # meanwhile, in another tab
    before = _snapshot(document, wh, product)

    data = form_data(user, lines=[(product, 7)], warehouse=wh, comment="too late")
    response = client_logged_in.post(url("document_update", "adjustment", document.pk), data, follow=True)
    assert response.status_code == 200
    assert any(document.number in m for m in messages_of(response))
    assert _snapshot(document, wh, product) == before


def test_save_and_process_with_insufficient_stock_keeps_a_draft_and_names_the_shortage(
    client_logged_in, user, wh, product
):
    stock_in(by=user, warehouse=wh, product=product, quantity=2)
    data = form_data(user, lines=[(product, 5, 100)], warehouse=wh, client=CompanyFactory(is_client=True))
    data["process"] = "1"
    response = client_logged_in.post(url("document_create", "sales_order"), data, follow=True)
    assert response.status_code == 200
    document = StockDocument.objects.get(doc_type="sales_order")
    assert document.status == DocumentStatus.DRAFT
    text = " ".join(messages_of(response))
    assert "Kopi Toraja" in text and "Gudang Jakarta" in text and "asked 5" in text and "available 2" in text
    assert on_hand(wh, product) == 2


def test_process_insufficient_stock_is_a_message(client_logged_in, user, wh, product):
    document = make_document(DocumentType.WRITE_OFF, by=user, warehouse=wh, lines=[(product, 3)])
    response = client_logged_in.post(url("document_process", "write_off", document.pk), follow=True)
    assert response.status_code == 200
    assert any("Not enough" in m and "available 0" in m for m in messages_of(response))
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert StockMove.objects.count() == 0


def test_cancel_of_a_draft_is_a_message(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 3)])
    response = client_logged_in.post(url("document_cancel", "adjustment", document.pk), follow=True)
    assert response.status_code == 200
    assert any("nothing to cancel" in m for m in messages_of(response))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "greater than zero"),
        ("-3", "greater than zero"),
        ("abc", "Enter a number"),
        ("1000000000000000", "digits"),
        ("1.2345", "decimal places"),
    ],
)
def test_bad_quantities_are_shown_beside_the_field(client_logged_in, user, wh, product, quantity, message):
    data = form_data(user, lines=[(product, quantity)], warehouse=wh)
    response = client_logged_in.post(url("document_create", "adjustment"), data)
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors["quantity"]
    assert any(message in e for e in errors), errors
    assert message in response.content.decode()
    assert not StockDocument.objects.exists()


def test_stock_count_accepts_zero_but_not_negative(client_logged_in, user, wh, product):
    data = form_data(user, lines=[(product, "-1")], warehouse=wh)
    response = client_logged_in.post(url("document_create", "stock_count"), data)
    assert response.status_code == 200
    assert "cannot be negative" in response.content.decode()
    data = form_data(user, lines=[(product, "0")], warehouse=wh)
    response = client_logged_in.post(url("document_create", "stock_count"), data)
    assert response.status_code == 302
    assert StockDocument.objects.get().lines.get().quantity == 0


def test_unknown_product_text(client_logged_in, user, wh):
    data = form_data(user, lines=[("NO-SUCH-THING", 1)], warehouse=wh)
    response = client_logged_in.post(url("document_create", "adjustment"), data)
    assert response.status_code == 200
    assert "No product matches “NO-SUCH-THING” by name, barcode, SKU or ID." in response.content.decode()
    assert not StockDocument.objects.exists()


def test_inactive_product(client_logged_in, user, wh):
    ProductFactory(sku="OLD-1", name="Discontinued", is_active=False)
    data = form_data(user, lines=[("OLD-1", 1)], warehouse=wh)
    response = client_logged_in.post(url("document_create", "adjustment"), data)
    assert response.status_code == 200
    assert "is inactive" in str(response.context["formset"].forms[0].errors["product"])
    assert not StockDocument.objects.exists()


def test_inactive_warehouse_cannot_be_chosen(client_logged_in, user, product):
    closed = WarehouseFactory(name="Closed", is_active=False)
    page = client_logged_in.get(url("document_create", "adjustment"))
    assert "Closed" not in page.content.decode()
    data = form_data(user, lines=[(product, 1)], warehouse=closed)
    response = client_logged_in.post(url("document_create", "adjustment"), data)
    assert response.status_code == 200
    assert "choose an active warehouse" in str(response.context["header_form"].errors["warehouse"])
    assert not StockDocument.objects.exists()


def test_editing_a_draft_whose_warehouse_was_deactivated_names_the_problem(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    wh.is_active = False
    wh.save()
    page = client_logged_in.get(url("document_update", "adjustment", document.pk))
    assert page.status_code == 200
    assert "Gudang Jakarta" in page.content.decode()  # still shown as the current choice
    data = form_data(user, lines=[(product, 2)], warehouse=wh)
    response = client_logged_in.post(url("document_update", "adjustment", document.pk), data)
    assert response.status_code == 200
    assert "Choose an active warehouse." in str(response.context["header_form"].errors["warehouse"])
    assert document.lines.get().quantity == 1


def test_transfer_to_the_same_warehouse(client_logged_in, user, wh, product):
    data = form_data(user, lines=[(product, 1)], warehouse=wh, destination=wh)
    response = client_logged_in.post(url("document_create", "transfer"), data)
    assert response.status_code == 200
    assert "two different warehouses" in str(response.context["header_form"].errors["destination"])
    assert not StockDocument.objects.exists()


def test_receipt_needs_a_supplier_company(client_logged_in, user, wh, product):
    not_supplier = CompanyFactory(is_supplier=False, name="Only A Client")
    assert "Only A Client" not in client_logged_in.get(url("document_create", "receipt")).content.decode()
    data = form_data(user, lines=[(product, 1)], warehouse=wh, supplier=not_supplier)
    response = client_logged_in.post(url("document_create", "receipt"), data)
    assert response.status_code == 200
    assert "supplier" in response.context["header_form"].errors
    assert not StockDocument.objects.exists()


def test_no_lines_is_an_error(client_logged_in, user, wh):
    response = client_logged_in.post(url("document_create", "adjustment"), form_data(user, lines=[], warehouse=wh))
    assert response.status_code == 200
    assert "Add at least one line." in response.content.decode()


def test_blank_rows_are_ignored(client_logged_in, user, wh, product):
    data = form_data(user, lines=[(product, 2), ("", "")], warehouse=wh)
    assert client_logged_in.post(url("document_create", "adjustment"), data).status_code == 302
    assert StockDocument.objects.get().lines.count() == 1


def test_unknown_type_and_pk_are_404(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    assert client_logged_in.get("/inventory/documents/nonsense/").status_code == 404
    assert client_logged_in.get("/inventory/documents/nonsense/new/").status_code == 404
    assert client_logged_in.get(url("document_detail", "adjustment", 999999)).status_code == 404
    # a document of another type under this URL
    assert client_logged_in.get(url("document_detail", "receipt", document.pk)).status_code == 404
    assert client_logged_in.post(url("document_process", "receipt", document.pk)).status_code == 404
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


@pytest.mark.parametrize("action", ["document_process", "document_cancel", "document_delete"])
def test_actions_refuse_get(client_logged_in, user, wh, product, action):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 1)])
    assert client_logged_in.get(url(action, "adjustment", document.pk)).status_code == 405
    document.refresh_from_db()
    assert (document.status, document.deleted_at) == (DocumentStatus.DRAFT, None)


# --- scanning and lookup ----------------------------------------------------------------------


def test_same_barcode_twice_is_one_line_of_two(client_logged_in, user, wh, product):
    BarcodeFactory(product=product, code="8991234567890")
    data = form_data(user, lines=[("8991234567890", 1), ("8991234567890", 1)], warehouse=wh)
    response = client_logged_in.post(url("document_create", "adjustment"), data)
    assert response.status_code == 302
    line = DocumentLine.objects.get()
    assert (line.product, line.quantity) == (product, Decimal("2"))


def test_sku_and_barcode_of_one_product_merge(client_logged_in, user, wh, product):
    BarcodeFactory(product=product, code="8991234567890")
    data = form_data(user, lines=[("kopi-01", "1.5"), ("8991234567890", 1), (str(product.pk), 1)], warehouse=wh)
    assert client_logged_in.post(url("document_create", "adjustment"), data).status_code == 302
    assert DocumentLine.objects.get().quantity == Decimal("3.5")


def test_line_partial_for_a_scanned_code(client_logged_in, product):
    BarcodeFactory(product=product, code="8991234567890")
    response = client_logged_in.get(url("document_line", "sales_order"), {"code": "8991234567890", "index": 4})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="lines-4-product"' in html and 'value="KOPI-01"' in html
    assert 'name="lines-4-quantity"' in html and f'data-product-id="{product.pk}"' in html
    assert "Kopi Toraja" in html

    empty = client_logged_in.get(url("document_line", "stock_count"), {"index": 0})
    assert empty.status_code == 200
    assert "lines-0-price" not in empty.content.decode()

    unknown = client_logged_in.get(url("document_line", "adjustment"), {"code": "nope", "index": 1})
    assert unknown.status_code == 404
    assert "nope" in unknown.content.decode()
    assert client_logged_in.get(url("document_line", "adjustment"), {"index": "x"}).status_code == 400


def test_product_lookup_by_name_sku_and_barcode(client_logged_in, product):
    BarcodeFactory(product=product, code="8991234567890")
    ProductFactory(sku="TEH-01", name="Teh Kopi Campur")  # contains "kopi" by name
    ProductFactory(sku="KOPI-OLD", name="Kopi Lama", is_active=False)
    lookup = reverse("inventory:product_lookup")

    by_name = client_logged_in.get(lookup, {"q": "toraja"}).content.decode()
    assert "KOPI-01" in by_name
    by_barcode = client_logged_in.get(lookup, {"q": "8991234567890"}).content.decode()
    assert "KOPI-01" in by_barcode and "TEH-01" not in by_barcode
    by_sku = client_logged_in.get(lookup, {"q": "kopi"}).content.decode()
    assert "KOPI-01" in by_sku and "TEH-01" in by_sku and "KOPI-OLD" not in by_sku
    nothing = client_logged_in.get(lookup, {"q": "zzz-nothing"})
    assert nothing.status_code == 200 and "No active product matches" in nothing.content.decode()


def test_product_lookup_puts_exact_match_first(client_logged_in):
    ProductFactory(sku="A-100", name="Aaa first by name")
    exact = ProductFactory(sku="ZZ", name="Zzz exact")
    BarcodeFactory(product=exact, code="A-1")  # barcode equal to the query
    html = client_logged_in.get(reverse("inventory:product_lookup"), {"q": "A-1"}).content.decode()
    assert html.index("Zzz exact") < html.index("Aaa first by name")


# --- pages and query counts -------------------------------------------------------------------


def _list_queries(client, doc_type) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("document_list", doc_type))
    assert response.status_code == 200
    return len(queries)


def test_document_list_query_count_does_not_grow(client_logged_in, user, wh, other_wh, product):
    make_document(DocumentType.TRANSFER, by=user, warehouse=wh, destination=other_wh, lines=[(product, 1)])
    one = _list_queries(client_logged_in, "transfer")
    for _ in range(49):
        make_document(
            DocumentType.TRANSFER,
            by=user,
            warehouse=wh,
            destination=other_wh,
            lines=[(product, 1), (ProductFactory(), 2)],
        )
    fifty = _list_queries(client_logged_in, "transfer")
    assert one == fifty
    html = client_logged_in.get(url("document_list", "transfer")).content.decode()
    assert html.count("TR-0000") == 50


def test_document_list_shows_totals_and_filters(client_logged_in, user, wh, other_wh, product):
    supplier = CompanyFactory(name="PT Sumber", is_supplier=True)
    a = make_document(DocumentType.RECEIPT, by=user, warehouse=wh, supplier=supplier, lines=[(product, 2, "1500")])
    b = make_document(DocumentType.RECEIPT, by=user, warehouse=other_wh, lines=[(product, 1, "10")])
    process_document(b, by=user)
    deleted = make_document(DocumentType.RECEIPT, by=user, warehouse=wh, lines=[(product, 1)])
    client_logged_in.post(url("document_delete", "receipt", deleted.pk))

    response = client_logged_in.get(url("document_list", "receipt"))
    rows = list(response.context["documents"])
    assert [d.number for d in rows] == [b.number, a.number]
    assert {d.number: (d.line_count, d.total) for d in rows}[a.number] == (1, Decimal("3000"))
    assert "IDR\xa03,000" in response.content.decode()

    def numbers(**params):
        return [d.number for d in client_logged_in.get(url("document_list", "receipt"), params).context["documents"]]

    assert numbers(status="processed") == [b.number]
    assert numbers(warehouse=wh.pk) == [a.number]
    assert numbers(company=supplier.pk) == [a.number]
    assert numbers(number=a.number[-3:]) == [a.number]
    assert numbers(date_from="2999-01-01") == []


def test_transfer_list_filters_by_destination_too(client_logged_in, user, wh, other_wh, product):
    t = make_document(DocumentType.TRANSFER, by=user, warehouse=wh, destination=other_wh, lines=[(product, 1)])
    response = client_logged_in.get(url("document_list", "transfer"), {"warehouse": other_wh.pk})
    assert [d.number for d in response.context["documents"]] == [t.number]


def test_detail_shows_lines_moves_and_allowed_buttons(client_logged_in, user, wh, product):
    document = make_document(DocumentType.ADJUSTMENT, by=user, warehouse=wh, lines=[(product, 3, "2000")])
    html = client_logged_in.get(url("document_detail", "adjustment", document.pk)).content.decode()
    assert url("document_process", "adjustment", document.pk) in html
    assert url("document_update", "adjustment", document.pk) in html
    assert url("document_cancel", "adjustment", document.pk) not in html
    assert "IDR\xa06,000" in html

    process_document(document, by=user)
    html = client_logged_in.get(url("document_detail", "adjustment", document.pk)).content.decode()
    assert url("document_process", "adjustment", document.pk) not in html
    assert url("document_update", "adjustment", document.pk) not in html
    assert url("document_delete", "adjustment", document.pk) not in html
    assert url("document_cancel", "adjustment", document.pk) in html
    assert "Balance after" in html and "+3" in html


def test_create_page_renders_for_every_type(client_logged_in):
    for doc_type in DocumentType:
        response = client_logged_in.get(url("document_create", doc_type))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="lines-TOTAL_FORMS"' in html and 'name="lines-2-product"' in html
        assert ("Counted quantity" in html) == (doc_type == DocumentType.STOCK_COUNT)
