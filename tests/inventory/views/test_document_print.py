"""The print view of a stock document: per type its title, number, lines and (where priced)
total; a draft or cancelled mark; purchase prices only with "View purchase price"; never
COGS or profit; a stock count sheet with a blank counted column while a draft; the detail
page's access rule (another warehouse's document is a 404); a constant query count."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import STAFF
from accounts.roles import permissions_named
from inventory.models import DocumentType
from inventory.services.documents import cancel_document, process_document
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db

TITLES = {
    DocumentType.RECEIPT: "Receipt voucher",
    DocumentType.SALES_ORDER: "Delivery note",
    DocumentType.TRANSFER: "Delivery note",
    DocumentType.WRITE_OFF: "Write-off act",
    DocumentType.STOCK_COUNT: "Stock count sheet",
    DocumentType.ADJUSTMENT: "Adjustment voucher",
    DocumentType.RETURN: "Return note",
}
PRICED = {DocumentType.RECEIPT, DocumentType.SALES_ORDER, DocumentType.RETURN}
COST = "12345.00"  # a price no other number on the page resembles (whole rupiah)


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def other_wh():
    return WarehouseFactory(name="Gudang Bandung")


@pytest.fixture
def goods(user, wh):
    """Coffee (10 on hand) and tea (4 on hand, in kilograms) in the warehouse."""
    coffee = ProductFactory(sku="KOPI-01", name="Kopi Toraja")
    tea = ProductFactory(sku="TEH-01", name="Teh Melati", unit="kg")
    stock_in(by=user, warehouse=wh, product=coffee, quantity=10)
    stock_in(by=user, warehouse=wh, product=tea, quantity=4)
    return coffee, tea


def draft(doc_type, user, wh, other_wh, goods, *, price=COST):
    coffee, tea = goods
    return make_document(
        doc_type,
        by=user,
        warehouse=wh,
        destination=other_wh if doc_type == DocumentType.TRANSFER else None,
        supplier=CompanyFactory(name="CV Maju Jaya") if doc_type == DocumentType.RECEIPT else None,
        client=CompanyFactory(name="Toko Sinar") if doc_type == DocumentType.SALES_ORDER else None,
        lines=[(coffee, 2, price), (tea, "1.5", price)],
    )


def print_url(document) -> str:
    return reverse("inventory:document_print", args=[document.doc_type, document.pk])


def printed(client, document) -> str:
    response = client.get(print_url(document))
    assert response.status_code == 200
    return response.content.decode()


def digits(html: str) -> str:
    return html.replace(".", "").replace(",", "")


def rows(html: str) -> list[list[str]]:
    """The texts of the cells of the lines table's body, row by row."""
    body = re.search(r'<table class="print-lines[^"]*">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    texts = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = (re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        texts.append([" ".join(cell.replace("\xa0", " ").split()) for cell in cells])
    return texts


def headings(html: str) -> list[str]:
    head = re.search(r'<table class="print-lines[^"]*">\s*<thead>(.*?)</thead>', html, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", th).split()) for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def mark(html: str) -> str | None:
    found = re.search(r'<div class="print-mark"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1).strip() if found else None


def total(html: str) -> str | None:
    found = re.search(r'<tr class="print-total">.*?<td class="num">(.*?)</td>', html, re.S)
    return found.group(1).replace("\xa0", " ").strip() if found else None


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_each_type_prints_its_title_number_and_lines(client_logged_in, user, wh, other_wh, goods, doc_type):
    document = draft(doc_type, user, wh, other_wh, goods)
    html = printed(client_logged_in, document)
    assert f'<h1 class="print-title">{TITLES[doc_type]} <span class="text-nowrap">{document.number}</span>' in html
    assert f"<title>{TITLES[doc_type]} {document.number} · Gudang</title>" in html
    lines = rows(html)
    assert [row[:4] for row in lines] == [["1", "KOPI-01", "Kopi Toraja", "pcs"], ["2", "TEH-01", "Teh Melati", "kg"]]
    if doc_type in PRICED:
        assert headings(html)[-2:] == ["Price", "Amount"]
        assert [row[4:] for row in lines] == [["2", "IDR 12,345", "IDR 24,690"], ["1.5", "IDR 12,345", "IDR 18,518"]]
        assert total(html) == "IDR 43,208"  # 24,690 + 18,517.50
    else:
        assert "Price" not in headings(html) and total(html) is None
        assert COST[:5] not in digits(html)
    assert mark(html) == "Draft"
    assert "Gudang Jakarta" in html


def test_a_processed_document_has_no_mark_a_cancelled_one_says_so(client_logged_in, user, wh, other_wh, goods):
    receipt = process_document(draft(DocumentType.RECEIPT, user, wh, other_wh, goods), by=user)
    html = printed(client_logged_in, receipt)
    assert mark(html) is None and "Processed" in html
    cancel_document(receipt, by=user)
    assert mark(printed(client_logged_in, receipt)) == "Cancelled"


def test_the_header_names_company_parties_responsible_and_comment(
    client_logged_in, user, wh, other_wh, goods, settings
):
    settings.COMPANY_NAME = "PT Sumber Rejeki"
    user.first_name, user.last_name = "Budi", "Santoso"
    user.save()
    receipt = draft(DocumentType.RECEIPT, user, wh, other_wh, goods)
    receipt.comment = "Dus kedua penyok"
    receipt.save()
    html = printed(client_logged_in, receipt)
    assert '<div class="print-company">PT Sumber Rejeki</div>' in html
    assert "<dt>Supplier</dt><dd>CV Maju Jaya</dd>" in html
    assert "<dt>Responsible</dt><dd>Budi Santoso</dd>" in html
    assert "<dt>Comment</dt><dd>Dus kedua penyok</dd>" in html
    assert "Delivered by" in html and "Received by" in html
    assert re.search(r"Printed \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} by Budi Santoso", html)

    order = draft(DocumentType.SALES_ORDER, user, wh, other_wh, goods)
    assert "<dt>Client</dt><dd>Toko Sinar</dd>" in printed(client_logged_in, order)


def test_a_transfer_prints_from_and_to(client_logged_in, user, wh, other_wh, goods):
    html = printed(client_logged_in, draft(DocumentType.TRANSFER, user, wh, other_wh, goods))
    assert '<p class="print-route">Gudang Jakarta → Gudang Bandung</p>' in html
    assert "<dt>From warehouse</dt><dd>Gudang Jakarta</dd>" in html
    assert "<dt>To warehouse</dt><dd>Gudang Bandung</dd>" in html


def test_the_print_is_a_page_of_its_own(client_logged_in, user, wh, other_wh, goods):
    """No menu, no document buttons; its own stylesheet and script, nothing inline (CSP)."""
    document = draft(DocumentType.WRITE_OFF, user, wh, other_wh, goods)
    html = printed(client_logged_in, document)
    assert "gudang-sidebar" not in html and "navbar" not in html and "Log out" not in html
    assert "/static/css/print.css" in html and "/static/js/print.js" in html
    assert 'id="print-button"' in html
    assert f'href="{reverse("inventory:document_detail", args=["write_off", document.pk])}"' in html
    assert "Process" not in html and "Edit" not in html
    assert "style=" not in html and "<style" not in html
    assert len(re.findall(r"<script\b", html)) == len(re.findall(r"<script src=", html)) == 1


def test_a_user_without_purchase_prices_prints_a_receipt_without_them(client, user, wh, other_wh, goods):
    """The staff role sees receipts but not purchase prices; a sales order's selling prices it sees."""
    staff = UserFactory(username="staffer", roles=[STAFF])
    client.force_login(staff)
    html = printed(client, draft(DocumentType.RECEIPT, user, wh, other_wh, goods))
    assert [row[:5] for row in rows(html)] == [
        ["1", "KOPI-01", "Kopi Toraja", "pcs", "2"],
        ["2", "TEH-01", "Teh Melati", "kg", "1.5"],
    ]
    assert all(len(row) == 5 for row in rows(html))
    assert "Price" not in headings(html) and total(html) is None
    assert "12345" not in digits(html) and "24690" not in digits(html)

    order = printed(client, draft(DocumentType.SALES_ORDER, user, wh, other_wh, goods, price="20000"))
    assert headings(order)[-2:] == ["Price", "Amount"]
    assert total(order) == "IDR 70,000"


def test_a_processed_sales_order_prints_no_cost_nor_profit(client_logged_in, user, wh, other_wh, goods):
    order = process_document(draft(DocumentType.SALES_ORDER, user, wh, other_wh, goods, price="20000"), by=user)
    detail = client_logged_in.get(reverse("inventory:document_detail", args=["sales_order", order.pk]))
    assert "COGS" in detail.content.decode()  # the administrator sees them on the detail page
    html = printed(client_logged_in, order)
    for word in ("COGS", "Gross profit", "Margin", "Markup", "Value"):
        assert word not in html, word


def test_write_offs_and_adjustments_print_no_prices(client_logged_in, user, wh, other_wh, goods):
    for doc_type in (DocumentType.WRITE_OFF, DocumentType.ADJUSTMENT):
        html = printed(client_logged_in, draft(doc_type, user, wh, other_wh, goods))
        assert headings(html) == ["#", "SKU", "Product", "Unit", "Quantity"]
        assert "12345" not in digits(html)


def test_a_clerk_of_another_warehouse_gets_404(client, user, wh, other_wh, goods):
    clerk = UserFactory(username="bandung-clerk")
    clerk.groups.add(limited_role("Clerk, Bandung", [other_wh]))
    client.force_login(clerk)
    for doc_type in (DocumentType.RECEIPT, DocumentType.WRITE_OFF, DocumentType.STOCK_COUNT):
        document = draft(doc_type, user, wh, other_wh, goods)
        assert client.get(print_url(document)).status_code == 404
        assert client.get(reverse("inventory:document_detail", args=[doc_type, document.pk])).status_code == 404
    own = make_document(DocumentType.WRITE_OFF, by=user, warehouse=other_wh, lines=[(goods[0], 1)])
    assert client.get(print_url(own)).status_code == 200


def test_unknown_type_or_a_deleted_document_is_404(client_logged_in, user, wh, other_wh, goods):
    document = draft(DocumentType.WRITE_OFF, user, wh, other_wh, goods)
    assert client_logged_in.get(f"/inventory/documents/nonsense/{document.pk}/print/").status_code == 404
    assert client_logged_in.get(reverse("inventory:document_print", args=["receipt", document.pk])).status_code == 404


def test_a_draft_count_sheet_leaves_the_counted_column_blank(client_logged_in, user, wh, other_wh, goods):
    count = draft(DocumentType.STOCK_COUNT, user, wh, other_wh, goods)  # counted 2 and 1.5 so far
    html = printed(client_logged_in, count)
    assert headings(html) == ["#", "SKU", "Product", "Unit", "Expected", "Counted"]
    assert rows(html) == [
        ["1", "KOPI-01", "Kopi Toraja", "pcs", "10", ""],
        ["2", "TEH-01", "Teh Melati", "kg", "4", ""],
    ]
    assert html.count('<td class="num print-counted print-blank"></td>') == 2
    assert "print-count-sheet" in html

    process_document(count, by=user)
    html = printed(client_logged_in, count)
    assert rows(html) == [
        ["1", "KOPI-01", "Kopi Toraja", "pcs", "10", "2"],
        ["2", "TEH-01", "Teh Melati", "kg", "4", "1.5"],
    ]
    assert "print-blank" not in html and mark(html) is None
    assert "Counted by" in html and "Checked by" in html


def test_the_detail_page_links_to_the_print_for_every_viewer(client, user, wh, other_wh, goods):
    """A role that may only view write-offs gets the Print link, and the print."""
    role = Group.objects.create(name="Write-off reader")
    role.permissions.set(permissions_named(["inventory.view_inventory", "inventory.view_write_off"]))
    reader = UserFactory(username="reader")
    reader.groups.add(role)
    client.force_login(reader)
    document = process_document(draft(DocumentType.WRITE_OFF, user, wh, other_wh, goods), by=user)
    detail = client.get(reverse("inventory:document_detail", args=["write_off", document.pk]))
    assert detail.status_code == 200
    link = re.search(rf'<a class="[^"]*" href="{re.escape(print_url(document))}">(.*?)</a>', detail.content.decode())
    assert link and '<i class="bi bi-printer' in link.group(1) and "Print" in link.group(1)
    assert "Cancel processing" not in detail.content.decode()  # a reader: no other button
    assert rows(printed(client, document))[0][:2] == ["1", "KOPI-01"]


def test_the_query_count_does_not_grow_with_the_lines(client_logged_in, user, wh, other_wh):
    def queries(doc_type, count, *, processed=False):
        products = [ProductFactory() for _ in range(count)]
        for product in products:
            stock_in(by=user, warehouse=wh, product=product, quantity=5)
        document = make_document(
            doc_type,
            by=user,
            warehouse=wh,
            destination=other_wh if doc_type == DocumentType.TRANSFER else None,
            lines=[(product, 1, "100") for product in products],
        )
        if processed:
            document = process_document(document, by=user)
        with CaptureQueriesContext(connection) as captured:
            html = printed(client_logged_in, document)
        assert len(rows(html)) == count
        return len(captured)

    for doc_type in (DocumentType.RECEIPT, DocumentType.SALES_ORDER, DocumentType.STOCK_COUNT):
        assert queries(doc_type, 1) == queries(doc_type, 20), doc_type
    assert queries(DocumentType.STOCK_COUNT, 1, processed=True) == queries(DocumentType.STOCK_COUNT, 20, processed=True)
    assert queries(DocumentType.STOCK_COUNT, 1) < 15  # no query per line, nor a dozen for the page
