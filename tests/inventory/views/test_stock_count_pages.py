"""Stock counts show what was expected, what was counted and the difference: a draft expects
the warehouse's current on hand, a processed count what the ledger said when it was processed.
"Fill from current stock" puts every product the warehouse holds on the form, in one query."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import DocumentType, StockDocument
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, WarehouseFactory
from tests.inventory.views.test_documents import form_data, messages_of
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def goods(user, wh):
    """Coffee: 10 on hand; tea: 4 on hand."""
    coffee = ProductFactory(sku="KOPI-01", name="Kopi Toraja")
    tea = ProductFactory(sku="TEH-01", name="Teh Melati")
    stock_in(by=user, warehouse=wh, product=coffee, quantity=10)
    stock_in(by=user, warehouse=wh, product=tea, quantity=4)
    return coffee, tea


def cells(html: str, sku: str) -> list[str]:
    """The texts of the cells of the detail page's line of `sku`."""
    row = re.search(rf"<tr[^>]*>\s*<td><a [^>]*>[^<]*</a></td>\s*<td[^>]*>{sku}</td>(.*?)</tr>", html, re.S).group(1)
    texts = (re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
    return [" ".join(text.split()) for text in texts]


def detail(client, document) -> str:
    return client.get(reverse("inventory:document_detail", args=["stock_count", document.pk])).content.decode()


def test_a_draft_count_expects_the_current_on_hand(client_logged_in, user, wh, goods):
    coffee, tea = goods
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(coffee, 7), (tea, 4)])
    html = detail(client_logged_in, count)
    assert ">Expected<" in html and ">Counted quantity<" in html and ">Difference<" in html
    assert cells(html, "KOPI-01")[:3] == ["10 pcs", "7 pcs", "-3"]
    assert cells(html, "TEH-01")[:3] == ["4 pcs", "4 pcs", "0"]

    stock_in(by=user, warehouse=wh, product=coffee, quantity=2)
    assert cells(detail(client_logged_in, count), "KOPI-01")[:3] == ["12 pcs", "7 pcs", "-5"]


def test_a_processed_count_shows_what_the_ledger_said_then(client_logged_in, user, wh, goods):
    coffee, tea = goods
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(coffee, 7), (tea, 4)])
    process_document(count, by=user)
    stock_in(by=user, warehouse=wh, product=coffee, quantity=5)  # later: 12 on hand
    html = detail(client_logged_in, count)
    assert cells(html, "KOPI-01")[:3] == ["10 pcs", "7 pcs", "-3"]
    assert cells(html, "TEH-01")[:3] == ["4 pcs", "4 pcs", "0"]  # no movement: as counted


def test_a_count_processed_again_shows_its_last_processing(client_logged_in, user, wh, goods):
    coffee, _tea = goods
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(coffee, 7)])
    process_document(count, by=user)  # 10 -> 7
    cancel_document(count, by=user)  # back to 10
    stock_in(by=user, warehouse=wh, product=coffee, quantity=2)  # 12
    process_document(count, by=user)  # 12 -> 7
    assert cells(detail(client_logged_in, count), "KOPI-01")[:3] == ["12 pcs", "7 pcs", "-5"]


def test_the_form_shows_expected_and_difference(client_logged_in, user, wh, goods):
    coffee, _tea = goods
    count = make_document(DocumentType.STOCK_COUNT, by=user, warehouse=wh, lines=[(coffee, "8.5")])
    html = client_logged_in.get(reverse("inventory:document_update", args=["stock_count", count.pk])).content.decode()
    assert ">Expected<" in html and ">Difference<" in html
    row = html[html.index('data-prefix="lines-0"') :]
    row = row[: row.index("</tr>")]
    assert 'data-expected="10.000"' in row
    assert re.search(r'class="[^"]*line-expected[^"]*"[^>]*>\s*10\s*<', row)
    assert re.search(r'class="[^"]*line-difference[^"]*"[^>]*>\s*-1.5\s*<', row)


def test_the_line_endpoint_expects_the_chosen_warehouse(client_logged_in, wh, goods):
    endpoint = reverse("inventory:document_line", args=["stock_count"])
    html = client_logged_in.get(endpoint, {"code": "KOPI-01", "index": 0, "warehouse": wh.pk}).content.decode()
    assert 'data-expected="10.000"' in html
    elsewhere = WarehouseFactory()
    html = client_logged_in.get(endpoint, {"code": "KOPI-01", "index": 0, "warehouse": elsewhere.pk}).content.decode()
    assert 'data-expected="0"' in html
    assert client_logged_in.get(endpoint, {"code": "KOPI-01", "index": 0, "warehouse": "x"}).status_code == 200


def fill(client, user, wh, *lines, document=None):
    data = form_data(user, lines=list(lines), warehouse=wh)
    del data["currency"]
    data["fill_from_stock"] = "1"
    url = (
        reverse("inventory:document_update", args=["stock_count", document.pk])
        if document
        else reverse("inventory:document_create", args=["stock_count"])
    )
    return client.post(url, data)


def posted_rows(response) -> dict[str, str]:
    formset = response.context["formset"]
    rows = {}
    for form in formset.forms:
        product = (form.data.get(form.add_prefix("product")) or "").strip()
        if product:
            rows[product] = form.data.get(form.add_prefix("quantity"))
    return rows


def test_fill_from_current_stock_adds_what_the_warehouse_holds(client_logged_in, user, wh, goods):
    coffee, _tea = goods
    ProductFactory(sku="GULA-01")  # nothing in stock
    old = ProductFactory(sku="OLD-01")
    stock_in(by=user, warehouse=wh, product=old, quantity=1)
    old.is_active = False
    old.save()
    other = WarehouseFactory()
    stock_in(by=user, warehouse=other, product=ProductFactory(sku="JAUH-01"), quantity=3)

    response = fill(client_logged_in, user, wh, (coffee, "9"))  # coffee already counted: kept
    assert response.status_code == 200
    assert not StockDocument.objects.filter(doc_type="stock_count").exists()  # nothing saved yet
    assert posted_rows(response) == {"KOPI-01": "9", "TEH-01": "4"}
    assert any("Gudang Jakarta" in m for m in messages_of(response))

    data = {k: v for k, v in response.context["formset"].data.items()}
    assert "fill_from_stock" not in data
    assert client_logged_in.post(reverse("inventory:document_create", args=["stock_count"]), data).status_code == 302
    count = StockDocument.objects.get(doc_type="stock_count")
    assert dict(count.lines.values_list("product__sku", "quantity")) == {"KOPI-01": Decimal(9), "TEH-01": Decimal(4)}


def test_fill_needs_a_warehouse(client_logged_in, user, goods):
    response = fill(client_logged_in, user, "")
    assert response.status_code == 200
    assert response.context["header_form"].errors["warehouse"]
    assert posted_rows(response) == {}
    assert "Add at least one line" not in response.content.decode()  # nothing was saved


def _fill_queries(client, user, count: int) -> int:
    wh = WarehouseFactory()
    for _ in range(count):
        stock_in(by=user, warehouse=wh, product=ProductFactory(), quantity=2)
    with CaptureQueriesContext(connection) as captured:
        response = fill(client, user, wh)
    assert len(posted_rows(response)) == count
    return len(captured)


def test_fill_costs_the_same_queries_for_one_product_or_thirty(client_logged_in, user):
    assert _fill_queries(client_logged_in, user, 1) == _fill_queries(client_logged_in, user, 30)
