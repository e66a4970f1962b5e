"""The home dashboard: its figures against a small history computed by hand, what each default
role sees (and what is absent), a user limited to one warehouse, a constant number of queries.

The clock stands on Wednesday 18 March 2026, 10:00 in Jakarta: this month is March, last month
February, the 12 weeks run from Monday 29 December 2025, the top products' 30 days from 17
February."""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR, CLERK, DOCUMENT_TYPES, STAFF
from accounts.roles import permissions_named
from inventory.models import DocumentType, MinimumStock, ReservationStatus, StockDocument
from inventory.services.documents import cancel_document, process_document
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import hold, make_document

pytestmark = pytest.mark.django_db

URL = reverse("home")
SALES_URL = reverse("reports:dashboard_sales")
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
NBSP = "\N{NO-BREAK SPACE}"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def dated(doc_type, day: date, *, by, warehouse, lines, process=True, **kwargs) -> StockDocument:
    """A document of `day` (a business date), processed unless asked otherwise."""
    document = make_document(doc_type, by=by, warehouse=warehouse, lines=lines, **kwargs)
    StockDocument.objects.filter(pk=document.pk).update(date=day)
    document.refresh_from_db()
    return process_document(document, by=by) if process else document


@pytest.fixture
def world(user):
    """Jakarta: kopi 100 @ 1,000 and gula 50 @ 500 received in January; Surabaya: teh 40 @ 2,000.

    Sales (revenue / COGS / profit):
      10 Feb, Jakarta: kopi 10 @ 1,500        15,000 / 10,000 / 5,000
      20 Feb, Jakarta: kopi 2 @ 1,500          3,000 /  2,000 / 1,000
       2 Mar, Surabaya: teh 4 @ 2,500         10,000 /  8,000 / 2,000
      10 Mar, Jakarta: kopi 3 @ 2,000, processed then cancelled: nothing
      16 Mar, Jakarta: kopi 5 @ 1,600          8,000 /  5,000 / 3,000
                       gula 10 @ 950           9,500 /  5,000 / 4,500
    Yesterday garam 10 @ 100 received in Surabaya; today a write-off of 2 gula in Jakarta.
    Left: Jakarta kopi 83 (83,000), gula 38 (19,000): 102,000; Surabaya teh 36 (72,000), garam
    10 (1,000): 73,000."""
    jakarta, surabaya = WarehouseFactory(name="Jakarta"), WarehouseFactory(name="Surabaya")
    kopi = ProductFactory(name="Kopi", sku="K-1")
    teh = ProductFactory(name="Teh", sku="T-1")
    gula = ProductFactory(name="Gula", sku="G-1")
    january = date(2026, 1, 5)
    dated(DocumentType.RECEIPT, january, by=user, warehouse=jakarta, lines=[(kopi, 100, 1000), (gula, 50, 500)])
    dated(DocumentType.RECEIPT, january, by=user, warehouse=surabaya, lines=[(teh, 40, 2000)])
    sale = DocumentType.SALES_ORDER
    dated(sale, date(2026, 2, 10), by=user, warehouse=jakarta, lines=[(kopi, 10, 1500)])
    dated(sale, date(2026, 2, 20), by=user, warehouse=jakarta, lines=[(kopi, 2, 1500)])
    dated(sale, date(2026, 3, 2), by=user, warehouse=surabaya, lines=[(teh, 4, 2500)])
    cancel_document(dated(sale, date(2026, 3, 10), by=user, warehouse=jakarta, lines=[(kopi, 3, 2000)]), by=user)
    dated(sale, date(2026, 3, 16), by=user, warehouse=jakarta, lines=[(kopi, 5, 1600), (gula, 10, 950)])
    dated(DocumentType.WRITE_OFF, date(2026, 3, 18), by=user, warehouse=jakarta, lines=[(gula, 2)])
    # Drafts: a receipt in Jakarta, a stock count in Surabaya, a transfer from Jakarta to
    # Surabaya; a deleted draft and a processed receipt of yesterday count for nothing.
    dated(DocumentType.RECEIPT, date(2026, 3, 1), by=user, warehouse=jakarta, lines=[(kopi, 1, 1)], process=False)
    dated(DocumentType.STOCK_COUNT, date(2026, 3, 18), by=user, warehouse=surabaya, lines=[(teh, 36)], process=False)
    dated(
        DocumentType.TRANSFER,
        date(2026, 3, 18),
        by=user,
        warehouse=jakarta,
        destination=surabaya,
        lines=[(kopi, 1)],
        process=False,
    )
    deleted = dated(
        DocumentType.WRITE_OFF, date(2026, 3, 18), by=user, warehouse=jakarta, lines=[(kopi, 1)], process=False
    )
    StockDocument.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now(), deleted_by=user)
    garam = ProductFactory(name="Garam", sku="S-1")
    dated(DocumentType.RECEIPT, date(2026, 3, 17), by=user, warehouse=surabaya, lines=[(garam, 10, 100)])
    # Minimum levels: kopi in Jakarta (83 − 3 reserved < 90) and gula in Surabaya (no balance
    # row) are below; teh in Surabaya is not.
    MinimumStock.objects.create(product=kopi, warehouse=jakarta, quantity=Decimal(90))
    MinimumStock.objects.create(product=gula, warehouse=surabaya, quantity=Decimal(5))
    MinimumStock.objects.create(product=teh, warehouse=surabaya, quantity=Decimal(10))
    # Reservations: three count (two end within 24 hours), one expired, one released.
    now = timezone.now()
    hold(by=user, warehouse=jakarta, product=kopi, quantity=3, until=now + timedelta(days=3))
    hold(by=user, warehouse=jakarta, product=gula, quantity=1, until=now + timedelta(hours=2))
    hold(by=user, warehouse=surabaya, product=teh, quantity=2, until=now + timedelta(hours=10))
    hold(by=user, warehouse=surabaya, product=teh, quantity=2, until=now - timedelta(hours=1))
    released = hold(by=user, warehouse=jakarta, product=kopi, quantity=1, until=now + timedelta(hours=1))
    released.status = ReservationStatus.RELEASED
    released.save()
    return {"jakarta": jakarta, "surabaya": surabaya, "kopi": kopi, "teh": teh, "gula": gula}


def page_of(client) -> str:
    """The dashboard and, when it loads one, its sales part (as the page's script fetches it)."""
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    if f'data-dashboard-part="{SALES_URL}?part=1"' in html:
        sales = client.get(SALES_URL, {"part": "1"})
        assert sales.status_code == 200
        assert "<html" not in sales.content.decode()  # a fragment
        html += sales.content.decode()
    return html


def squeezed(html: str) -> str:
    """The text of `html`: tags dropped, runs of spaces one (a no-break space kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def text_of(html: str, element_id: str) -> str | None:
    """The text of the element with `element_id` (tags dropped, spaces squeezed), None when absent."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(a|span|td|p)>', html, re.S)
    if match is None:
        return None
    return squeezed(match.group(1))


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table, each cell's text."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"no table {table_id}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    return [[squeezed(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def chart_data(html: str, element_id: str) -> dict | None:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return None if match is None else json.loads(match.group(1))


def rp(amount: int) -> str:
    return f"IDR{NBSP}{amount:,}"


def test_the_administrator_sees_every_figure(client_logged_in, world):
    html = page_of(client_logged_in)
    assert text_of(html, "figure-stock-value") == rp(175_000)
    assert text_of(html, "figure-low-stock") == "2"
    assert text_of(html, "figure-reservations") == "3"
    assert text_of(html, "figure-reservations-expiring") == "2 expire in the next 24 hours"
    assert text_of(html, "figure-sales") == rp(27_500)
    assert text_of(html, "figure-sales-last-month") == rp(18_000)
    assert text_of(html, "figure-profit") == rp(9_500)
    assert text_of(html, "figure-profit-last-month") == rp(6_000)
    assert table_rows(html, "table-warehouses") == [["Jakarta", rp(102_000)], ["Surabaya", rp(73_000)]]
    assert chart_data(html, "chart-warehouses-data")["datasets"][0]["data"] == [102000.0, 73000.0]

    documents = {row[0]: row[1:] for row in table_rows(html, "table-documents")}
    assert documents == {
        "Stock receipts": ["0", "1"],
        "Stock adjustments": ["0", "0"],
        "Transfers": ["0", "1"],
        "Write-offs": ["1", "0"],
        "Sales orders": ["0", "0"],
        "Stock counts": ["0", "1"],
        "Returns": ["0", "0"],
    }
    assert (text_of(html, "documents-processed-today"), text_of(html, "documents-drafts")) == ("1", "3")


def test_the_weeks_and_the_top_products(client_logged_in, world):
    html = page_of(client_logged_in)
    weeks = table_rows(html, "table-weeks")
    assert len(weeks) == 12
    assert weeks[0][0] == "29 Dec" and weeks[-1][0] == "16 Mar"
    with_sales = {row[0]: row[1:] for row in weeks if row[1] != rp(0)}
    assert with_sales == {
        "9 Feb": [rp(15_000), rp(5_000)],
        "16 Feb": [rp(3_000), rp(1_000)],
        "2 Mar": [rp(10_000), rp(2_000)],
        "16 Mar": [rp(17_500), rp(7_500)],
    }
    assert [row[2] for row in weeks if row[0] == "9 Mar"] == [rp(0)]  # the cancelled order
    chart = chart_data(html, "chart-weeks-data")
    assert [s["label"] for s in chart["datasets"]] == ["Sales", "Gross profit"]
    assert chart["datasets"][0]["data"][-1] == 17500.0 and chart["datasets"][1]["data"][-1] == 7500.0

    # 17 February to 18 March: gula 4,500; kopi 1,000 + 3,000; teh 2,000.
    assert table_rows(html, "table-top") == [
        ["Gula G-1", rp(9_500), rp(4_500)],
        ["Kopi K-1", rp(11_000), rp(4_000)],
        ["Teh T-1", rp(10_000), rp(2_000)],
    ]
    assert chart_data(html, "chart-top-data")["labels"] == ["Gula", "Kopi", "Teh"]


def test_each_figure_links_to_where_it_comes_from(client_logged_in, world):
    html = page_of(client_logged_in)
    gross_profit = reverse("reports:gross_profit") if _has("reports:gross_profit") else None
    assert f'id="figure-low-stock" href="{reverse("reports:low_stock")}"' in html
    assert f'id="figure-reservations" href="{reverse("inventory:stock")}"' in html
    stock = reverse("reports:stock") if _has("reports:stock") else reverse("inventory:stock")
    assert f'id="figure-stock-value" href="{stock}"' in html
    assert f'href="{reverse("inventory:stock")}?warehouse={world["jakarta"].pk}">Jakarta</a>' in html
    receipts = reverse("inventory:document_list", args=["receipt"])
    assert f'href="{receipts}?status=draft"' in html
    write_offs = reverse("inventory:document_list", args=["write_off"])
    assert f'href="{write_offs}?status=processed&amp;date_from=2026-03-18&amp;date_to=2026-03-18"' in html
    if gross_profit:
        assert f'id="figure-sales" href="{gross_profit}?date_from=2026-03-01&amp;date_to=2026-03-31"' in html
        assert f'id="figure-sales-last-month" href="{gross_profit}?date_from=2026-02-01&amp;date_to=2026-02-28"' in html


def _has(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_staff_see_no_stock_value_and_no_profit(client, world):
    client.force_login(UserFactory(username="staffer", roles=[STAFF]))
    html = page_of(client)
    for absent in ("figure-stock-value", "figure-profit", "chart-warehouses", "table-warehouses", "chart-top"):
        assert f'id="{absent}"' not in html, absent
    assert "Gross profit" not in html and "Stock value" not in html
    assert rp(175_000) not in html and rp(9_500) not in html
    assert text_of(html, "figure-sales") == rp(27_500)
    assert text_of(html, "figure-low-stock") == "2"
    assert [s["label"] for s in chart_data(html, "chart-weeks-data")["datasets"]] == ["Sales"]
    assert all(len(row) == 2 for row in table_rows(html, "table-weeks"))  # week, sales


def test_a_clerk_sees_stock_value_but_no_sales(client, world):
    client.force_login(UserFactory(username="clerk", roles=[CLERK]))
    html = page_of(client)
    for absent in ("figure-sales", "figure-profit", "chart-weeks", "table-weeks", "chart-top", "table-top"):
        assert f'id="{absent}"' not in html, absent
    assert "Sales this month" not in html and "Gross profit" not in html
    assert text_of(html, "figure-stock-value") == rp(175_000)
    # No reports: the low-stock figure opens the stock page, below minimum.
    assert f'id="figure-low-stock" href="{reverse("inventory:stock")}?below_minimum=on"' in html
    assert len(table_rows(html, "table-documents")) == len(DOCUMENT_TYPES)
    assert 'id="dashboard-sales"' not in html
    assert client.get(SALES_URL).status_code == 403


def test_a_user_of_one_warehouse_sees_its_figures_only(client, world):
    member = UserFactory(username="jakarta-only")
    member.groups.add(limited_role("Jakarta, all rights", [world["jakarta"]], template=ADMINISTRATOR))
    client.force_login(member)
    html = page_of(client)
    assert text_of(html, "dashboard-scope").endswith("Jakarta")
    assert text_of(html, "figure-stock-value") == rp(102_000)
    assert table_rows(html, "table-warehouses") == [["Jakarta", rp(102_000)]]
    assert text_of(html, "figure-low-stock") == "1"
    assert text_of(html, "figure-reservations") == "2"
    assert text_of(html, "figure-reservations-expiring") == "1 expires in the next 24 hours"
    assert text_of(html, "figure-sales") == rp(17_500)
    assert text_of(html, "figure-profit") == rp(7_500)
    assert text_of(html, "figure-sales-last-month") == rp(18_000)
    assert [row[0] for row in table_rows(html, "table-top")] == ["Gula G-1", "Kopi K-1"]
    documents = {row[0]: row[1:] for row in table_rows(html, "table-documents")}
    # Surabaya's stock count and the transfer to Surabaya are not theirs to see.
    assert documents["Stock receipts"] == ["0", "1"]
    assert documents["Transfers"] == ["0", "0"] and documents["Stock counts"] == ["0", "0"]
    assert "Surabaya" not in html and "Teh" not in html


def test_a_user_without_a_warehouse_keeps_the_start_page(client, world):
    member = UserFactory(username="crm-only", is_staff=False)
    role = Group.objects.create(name="CRM only")
    role.permissions.set(permissions_named(["crm.use_crm"]))
    member.groups.add(role)
    client.force_login(member)
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"] == reverse("crm:company_list")


def test_the_sales_part_is_a_page_of_its_own_without_javascript(client_logged_in, world):
    response = client_logged_in.get(SALES_URL)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert text_of(html, "figure-sales") == rp(27_500)
    assert f'href="{URL}"' in html


def test_the_sidebar_badge_and_the_figure_count_low_stock_once(client_logged_in, world):
    with CaptureQueriesContext(connection) as queries:
        html = client_logged_in.get(URL).content.decode()
    assert 'id="low-stock-badge" title="Below minimum">2</span>' in html
    assert text_of(html, "figure-low-stock") == "2"
    assert len([q for q in queries.captured_queries if "inventory_minimumstock" in q["sql"]]) == 1


def test_queries_do_not_grow_with_the_data(client_logged_in, world, user):
    with CaptureQueriesContext(connection) as few:
        page_of(client_logged_in)
    # More of everything: warehouses, balances, sales, drafts, minimum levels, reservations.
    for n in range(4):
        warehouse = WarehouseFactory(name=f"Extra {n}")
        product = ProductFactory(sku=f"X-{n}")
        dated(DocumentType.RECEIPT, date(2026, 1, 6), by=user, warehouse=warehouse, lines=[(product, 10, 100)])
        dated(DocumentType.SALES_ORDER, date(2026, 3, 3 + n), by=user, warehouse=warehouse, lines=[(product, 1, 300)])
        draft = DocumentType.ADJUSTMENT
        dated(draft, date(2026, 3, 18), by=user, warehouse=warehouse, lines=[(product, 1)], process=False)
        MinimumStock.objects.create(product=product, warehouse=warehouse, quantity=Decimal(50))
        hold(by=user, warehouse=warehouse, product=product, quantity=1)
    with CaptureQueriesContext(connection) as more:
        html = page_of(client_logged_in)
    assert len(table_rows(html, "table-warehouses")) == 6
    assert text_of(html, "figure-low-stock") == "6"
    assert len(more) == len(few), "\n".join(q["sql"] for q in more.captured_queries)
