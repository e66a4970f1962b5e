"""Sales and gross profit: the figures of a small FIFO history (two receipts of Kopi at
different prices, a back-dated order, a cancelled one, a cancelled and re-processed one, an
order in another currency), every grouping, COGS exactly `sales_profits`', rights, exports,
the user's warehouses only, a constant number of queries, garbage filters."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.catalogue import STAFF
from inventory.models import DocumentLine, DocumentStatus, DocumentType, MoveCost, StockDocument
from inventory.selectors.costing import sales_profits
from inventory.selectors.ledger import sales_day_drift
from inventory.services.documents import Header, LineInput, cancel_document, create_document, process_document
from inventory.services.stock_days import rebuild_sales_days
from reports.selectors.gross_profit import GROUPS, sales_rows, sales_totals
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.test_stock_days import sales_as_stored
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_return, ship

pytestmark = pytest.mark.django_db
URL = reverse("reports:gross_profit")
MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}
D = Decimal


@pytest.fixture(autouse=True)
def late_march():
    """Every test runs on 25 March 2025: the default period is 1–25 March."""
    with time_machine.travel(date(2025, 3, 25), tick=False):
        yield


def document(doc_type, *, by, warehouse, lines, on, client=None, supplier=None, currency=""):
    """A document dated `on` made through the services, processed."""
    header = Header(warehouse=warehouse, client=client, supplier=supplier, date=on, currency=currency)
    draft = create_document(
        doc_type=doc_type, by=by, header=header, lines=[LineInput(p, D(q), D(price)) for p, q, price in lines]
    )
    return process_document(draft, by=by)


@pytest.fixture
def world(user):
    """FIFO. Jakarta: Kopi 10 @ 100 then 10 @ 130; Surabaya: Kopi 5 @ 120, Teh 10 @ 50.

    SO1 Jakarta, Alfa, 3 March: Kopi 6 @ 200 → revenue 1200, COGS 6 × 100 = 600.
    SO2 Jakarta, Beta, 10 March: Kopi 6 @ 210 → revenue 1260, COGS 4 × 100 + 2 × 130 = 660.
    SO3 Jakarta, Alfa, 12 March: Kopi 1 @ 500, cancelled → nothing.
    SO4 Surabaya, Alfa, 20 March: Kopi 2 @ 180, Teh 4 @ 90, cancelled and re-processed →
        revenue 360 + 360, COGS 2 × 120 + 4 × 50 = 240 + 200.
    SO5 Surabaya, Beta, back-dated to 25 February (processed last): Teh 2 @ 80 → 160, COGS 100.
    SO6 Jakarta, Beta, 15 March, in USD: Kopi 1 @ 15 → left out (its COGS would be 130).
    """
    jakarta, surabaya = WarehouseFactory(name="Jakarta"), WarehouseFactory(name="Surabaya")
    kopi = ProductFactory(name="Kopi", sku="K-1", category=CategoryFactory(name="Coffee"))
    teh = ProductFactory(name="Teh", sku="T-1", category=None)
    alfa = CompanyFactory(name="Alfa", is_client=True)
    beta = CompanyFactory(name="Beta", is_client=True)
    supplier = CompanyFactory(name="Pemasok", is_supplier=True)
    feb = date(2025, 2, 1)
    receipt = DocumentType.RECEIPT
    document(receipt, by=user, warehouse=jakarta, supplier=supplier, on=feb, lines=[(kopi, 10, 100)])
    document(receipt, by=user, warehouse=jakarta, supplier=supplier, on=feb, lines=[(kopi, 10, 130)])
    document(receipt, by=user, warehouse=surabaya, supplier=supplier, on=feb, lines=[(kopi, 5, 120), (teh, 10, 50)])
    sale = DocumentType.SALES_ORDER
    so1 = document(sale, by=user, warehouse=jakarta, client=alfa, on=date(2025, 3, 3), lines=[(kopi, 6, 200)])
    so2 = document(sale, by=user, warehouse=jakarta, client=beta, on=date(2025, 3, 10), lines=[(kopi, 6, 210)])
    so3 = document(sale, by=user, warehouse=jakarta, client=alfa, on=date(2025, 3, 12), lines=[(kopi, 1, 500)])
    cancel_document(so3, by=user)
    so4 = document(
        sale, by=user, warehouse=surabaya, client=alfa, on=date(2025, 3, 20), lines=[(kopi, 2, 180), (teh, 4, 90)]
    )
    cancel_document(so4, by=user)
    process_document(so4, by=user)
    so5 = document(sale, by=user, warehouse=surabaya, client=beta, on=date(2025, 2, 25), lines=[(teh, 2, 80)])
    so6 = document(
        sale, by=user, warehouse=jakarta, client=beta, on=date(2025, 3, 15), currency="USD", lines=[(kopi, 1, 15)]
    )
    return {
        "jakarta": jakarta,
        "surabaya": surabaya,
        "kopi": kopi,
        "teh": teh,
        "alfa": alfa,
        "beta": beta,
        "orders": [so1, so2, so3, so4, so5, so6],
    }


def figures(rows, key):
    """{group key: (quantity, revenue, cogs, profit)} of selector rows."""
    return {row[key]: (row["quantity"], row["revenue"], row["cogs"], row["profit"]) for row in rows}


def march_rows(group_by, **period):
    period = period or {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}
    return list(sales_rows(warehouse_ids=None, group_by=group_by, **period))


def test_by_product(world):
    assert figures(march_rows("product"), "product_name") == {
        "Kopi": (14, 2820, 1500, 1320),
        "Teh": (4, 360, 200, 160),
    }
    row = next(r for r in march_rows("product") if r["product_name"] == "Kopi")
    assert (row["product_id"], row["sku"]) == (world["kopi"].pk, "K-1")
    assert row["margin"] == D("46.81")  # 1320 ÷ 2820 = 46.808…
    assert row["markup"] == 88  # 1320 ÷ 1500


def test_by_category_warehouse_client(world):
    assert figures(march_rows("category"), "category_name") == {
        "Coffee": (14, 2820, 1500, 1320),
        "No category": (4, 360, 200, 160),
    }
    assert figures(march_rows("warehouse"), "warehouse_name") == {
        "Jakarta": (12, 2460, 1260, 1200),
        "Surabaya": (6, 720, 440, 280),
    }
    assert figures(march_rows("client"), "client_name") == {
        "Alfa": (12, 1920, 1040, 880),
        "Beta": (6, 1260, 660, 600),
    }


def test_by_month_and_week(world):
    assert figures(march_rows("month", date_from=date(2025, 2, 1), date_to=date(2025, 3, 31)), "month") == {
        date(2025, 2, 1): (2, 160, 100, 60),  # the back-dated order, in its own month
        date(2025, 3, 1): (18, 3180, 1700, 1480),
    }
    assert figures(march_rows("week"), "week") == {
        date(2025, 3, 3): (6, 1200, 600, 600),
        date(2025, 3, 10): (6, 1260, 660, 600),
        date(2025, 3, 17): (6, 720, 440, 280),
    }


def test_every_grouping_adds_up_to_the_totals(world):
    totals = sales_totals(warehouse_ids=None, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert totals == {
        "quantity": 18,
        "revenue": 3180,
        "cogs": 1700,
        "profit": 1480,
        "margin": D("46.54"),  # 1480 ÷ 3180 = 46.540…
        "markup": D("87.06"),  # 1480 ÷ 1700 = 87.058…
        "left_out": {"count": 1, "currencies": ["USD"]},  # SO6
    }
    for group_by in GROUPS:
        rows = march_rows(group_by)
        for name in ("quantity", "revenue", "cogs", "profit"):
            assert sum(row[name] for row in rows) == totals[name], (group_by, name)


def test_cogs_is_exactly_that_of_sales_profits(world):
    """Σ of the lines' COGS of `sales_profits` over the processed orders in IDR of the period."""
    expected = D(0)
    for order in StockDocument.objects.filter(pk__in=[o.pk for o in world["orders"]]):
        lines = list(DocumentLine.objects.filter(document=order))
        profit = sales_profits(order, lines)
        in_march = date(2025, 3, 1) <= order.date <= date(2025, 3, 31)
        if profit is not None and profit.revenue is not None and in_march:
            expected += sum(line.profit.cogs for line in lines)
    assert expected == 1700
    totals = sales_totals(warehouse_ids=None, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert totals["cogs"] == expected


def test_a_movement_without_value_leaves_cogs_unknown(world):
    """As `sales_profits`: a movement not valued yet (a recompute running) has no COGS, and
    neither has its group nor the total; the other groups keep theirs. The daily sales follow
    the costs: rebuilt whenever these are rewritten (the replay's swap)."""
    so1 = world["orders"][0]
    MoveCost.objects.filter(move__document=so1).delete()
    rebuild_sales_days()
    assert sales_profits(so1, list(so1.lines.all())).cogs is None
    rows = {row["client_name"]: row for row in march_rows("client")}
    assert (rows["Alfa"]["revenue"], rows["Alfa"]["cogs"], rows["Alfa"]["profit"], rows["Alfa"]["margin"]) == (
        1920,
        None,
        None,
        None,
    )
    assert (rows["Beta"]["cogs"], rows["Beta"]["profit"]) == (660, 600)
    totals = sales_totals(warehouse_ids=None, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert (totals["revenue"], totals["cogs"], totals["profit"], totals["markup"]) == (3180, None, None, None)


def test_cancelled_order_counts_for_nothing_reprocessed_once(world):
    so3, so4 = world["orders"][2], world["orders"][3]
    assert StockDocument.objects.get(pk=so3.pk).status == DocumentStatus.CANCELLED
    assert StockDocument.objects.get(pk=so4.pk).status == DocumentStatus.PROCESSED
    assert so4.moves.count() == 6  # processed, reversed, processed again
    assert figures(march_rows("warehouse"), "warehouse_name")["Surabaya"] == (6, 720, 440, 280)


def test_only_the_given_warehouses(world):
    rows = sales_rows(
        warehouse_ids=[world["surabaya"].pk], date_from=date(2025, 2, 1), date_to=None, group_by="warehouse"
    )
    assert figures(rows, "warehouse_name") == {"Surabaya": (8, 880, 540, 340)}


# Returns: what comes back is taken off the sales on the return's own date.


def a_return(order, *, by, on, lines):
    """A processed return of the shipped `order`, dated `on`; `lines` (product, quantity, price)."""
    ship(order, by=by)
    draft = make_return(order, by=by, lines=lines)
    StockDocument.objects.filter(pk=draft.pk).update(date=on)
    return process_document(StockDocument.objects.get(pk=draft.pk), by=by)


def test_a_return_takes_its_quantity_revenue_and_cogs_off_the_sales_on_its_date(world, user):
    """SO2 sold Kopi 6 @ 210 with COGS 660; 2 come back on 22 March at 210: − 420 revenue and
    − 220 COGS (the cost they left with, 660 × 2 ÷ 6)."""
    so2, kopi = world["orders"][1], world["kopi"]
    back = a_return(so2, by=user, on=date(2025, 3, 22), lines=[(kopi, 2, 210)])
    assert figures(march_rows("product"), "product_name")["Kopi"] == (12, 2400, 1280, 1120)
    assert figures(march_rows("client"), "client_name")["Beta"] == (4, 840, 440, 400)
    weeks = figures(march_rows("week"), "week")
    assert weeks[date(2025, 3, 10)] == (6, 1260, 660, 600)  # the order's week keeps its sale
    assert weeks[date(2025, 3, 17)] == (6 - 2, 720 - 420, 440 - 220, 280 - 200)  # SO4 and the return
    totals = sales_totals(warehouse_ids=None, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert (totals["quantity"], totals["revenue"], totals["cogs"], totals["profit"]) == (16, 2760, 1480, 1280)
    assert sales_day_drift() == []  # the rebuild from the ledger counts the return the same way
    stored = sales_as_stored()
    rebuild_sales_days()
    assert sales_as_stored() == stored
    # Cancelled, the return counts for nothing.
    cancel_document(back, by=user)
    assert figures(march_rows("product"), "product_name")["Kopi"] == (14, 2820, 1500, 1320)
    assert sales_day_drift() == []


def test_a_return_in_a_later_month_leaves_the_month_of_the_sale_as_it_was(world, user):
    so1, kopi = world["orders"][0], world["kopi"]
    a_return(so1, by=user, on=date(2025, 4, 2), lines=[(kopi, 6, 150)])  # all of it, refunded at 150
    assert figures(march_rows("product"), "product_name")["Kopi"] == (14, 2820, 1500, 1320)
    april = march_rows("product", date_from=date(2025, 4, 1), date_to=date(2025, 4, 30))
    assert figures(april, "product_name") == {"Kopi": (-6, -900, -600, -300)}


def test_a_return_of_a_client_and_warehouse_counts_where_its_order_sold(world, user):
    so4, teh = world["orders"][3], world["teh"]
    a_return(so4, by=user, on=date(2025, 3, 24), lines=[(teh, 1, 90)])
    assert figures(march_rows("warehouse"), "warehouse_name")["Surabaya"] == (5, 630, 390, 240)
    assert figures(march_rows("client"), "client_name")["Alfa"] == (11, 1830, 990, 840)


# The page.


def page_figures(response, key_index=0):
    """{first cell: (quantity, revenue[, cogs, profit, margin, markup])} of the page's rows."""
    rows = {}
    for row in response.context["rows"]:
        values = {cell["column"].key: cell["value"] for cell in row}
        rows[row[key_index]["value"]] = tuple(values[k] for k in FIGURES if k in values)
    return rows


FIGURES = ("quantity", "revenue", "cogs", "profit", "margin", "markup")


def keys(response) -> list[str]:
    return [column.key for column in response.context["columns"]]


def test_the_page_by_default_this_month_by_product(client_logged_in, world):
    response = client_logged_in.get(URL)
    assert response.status_code == 200
    assert keys(response) == ["product_name", "sku", *FIGURES]
    # 1–25 March: the back-dated February order is not in it; most revenue first.
    rows = page_figures(response)
    assert list(rows) == ["Kopi", "Teh"]
    assert rows["Kopi"][:4] == (14, 2820, 1500, 1320)
    assert rows["Teh"] == (4, 360, 200, 160, D("44.44"), 80)
    totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
    assert (totals["quantity"], totals["revenue"], totals["cogs"], totals["profit"]) == (18, 3180, 1700, 1480)
    page = response.content.decode()
    assert "Margin, %" in page and "Markup, %" in page
    assert 'id="other-currency-note"' in page
    assert "1 sales order in another currency (USD) is left out" in page


def test_every_grouping_on_the_page(client_logged_in, world):
    expected = {
        "product": {"Kopi", "Teh"},
        "category": {"Coffee", "No category"},
        "warehouse": {"Jakarta", "Surabaya"},
        "client": {"Alfa", "Beta"},
        "month": {date(2025, 3, 1)},
        "week": {date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17)},
    }
    for group_by, names in expected.items():
        response = client_logged_in.get(URL, {**MARCH, "group_by": group_by})
        assert response.status_code == 200
        assert set(page_figures(response)) == names, group_by
        totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
        assert totals["cogs"] == 1700


def test_filters(client_logged_in, world):
    by_client = {**MARCH, "group_by": "client"}
    assert set(page_figures(client_logged_in.get(URL, {**by_client, "warehouse": world["surabaya"].pk}))) == {"Alfa"}
    assert page_figures(client_logged_in.get(URL, {**by_client, "q": "teh"})) == {
        "Alfa": (4, 360, 200, 160, D("44.44"), 80)
    }
    coffee = world["kopi"].category_id
    assert set(page_figures(client_logged_in.get(URL, {**MARCH, "category": coffee}))) == {"Kopi"}
    assert set(page_figures(client_logged_in.get(URL, {**MARCH, "client": world["beta"].pk}))) == {"Kopi"}
    february = {"date_from": "2025-02-01", "date_to": "2025-02-28"}
    assert page_figures(client_logged_in.get(URL, february)) == {"Teh": (2, 160, 100, 60, D("37.50"), 60)}


def test_sorting_by_every_column(client_logged_in, world):
    for group_by in GROUPS:
        columns = client_logged_in.get(URL, {**MARCH, "group_by": group_by}).context["columns"]
        for column in columns:
            for sort in (column.key, f"-{column.key}"):
                response = client_logged_in.get(URL, {**MARCH, "group_by": group_by, "sort": sort})
                assert response.status_code == 200
                values = [
                    next(c["value"] for c in row if c["column"].key == column.key) for row in response.context["rows"]
                ]
                assert values == sorted(values, reverse=sort.startswith("-")), (group_by, sort)


def test_pages_and_totals_over_all_pages(client_logged_in, world, monkeypatch):
    from reports.views.gross_profit import GrossProfitReport

    monkeypatch.setattr(GrossProfitReport, "page_size", 1)
    response = client_logged_in.get(URL, {**MARCH, "group_by": "client", "sort": "client_name"})
    assert list(page_figures(response)) == ["Alfa"]
    totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
    assert (totals["revenue"], totals["cogs"]) == (3180, 1700)
    assert list(
        page_figures(client_logged_in.get(URL, {**MARCH, "group_by": "client", "sort": "client_name", "page": 2}))
    ) == ["Beta"]


def cell_urls(response, key):
    return {row[0]["value"]: next(c["url"] for c in row if c["column"].key == key) for row in response.context["rows"]}


def test_figures_link_to_what_makes_them_up(client_logged_in, world):
    orders = reverse("inventory:document_list", args=[DocumentType.SALES_ORDER])
    by_warehouse = client_logged_in.get(URL, {**MARCH, "group_by": "warehouse"})
    jakarta = world["jakarta"].pk
    assert cell_urls(by_warehouse, "quantity")["Jakarta"] == (
        f"{orders}?status=processed&date_from=2025-03-01&date_to=2025-03-31&warehouse={jakarta}"
    )
    assert cell_urls(by_warehouse, "warehouse_name")["Jakarta"] == (
        f"{URL}?date_from=2025-03-01&date_to=2025-03-31&group_by=product&warehouse={jakarta}"
    )
    by_client = client_logged_in.get(URL, {**MARCH, "group_by": "client", "warehouse": jakarta})
    assert cell_urls(by_client, "revenue")["Beta"] == (
        f"{orders}?status=processed&date_from=2025-03-01&date_to=2025-03-31&warehouse={jakarta}&company={world['beta'].pk}"
    )
    # A month links to the report of its days within the period.
    by_month = client_logged_in.get(URL, {"date_from": "2025-02-15", "date_to": "2025-03-31", "group_by": "month"})
    assert (
        cell_urls(by_month, "month")[date(2025, 2, 1)]
        == f"{URL}?date_from=2025-02-15&date_to=2025-02-28&group_by=product"
    )
    assert cell_urls(by_month, "quantity")[date(2025, 3, 1)] == (
        f"{orders}?status=processed&date_from=2025-03-01&date_to=2025-03-31"
    )
    by_product = client_logged_in.get(URL, MARCH)
    assert cell_urls(by_product, "product_name")["Kopi"] == reverse("inventory:product_detail", args=[world["kopi"].pk])
    by_category = client_logged_in.get(URL, {**MARCH, "group_by": "category"})
    assert cell_urls(by_category, "category_name")["No category"] is None
    # The links lead to pages that open, with the order they name.
    page = client_logged_in.get(cell_urls(by_client, "revenue")["Beta"]).content.decode()
    assert world["orders"][1].number in page and world["orders"][0].number not in page


def test_staff_sees_no_cogs_nor_profit(client, world):
    staff = UserFactory(username="store-staff", roles=[STAFF])
    client.force_login(staff)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    assert keys(response) == ["product_name", "sku", "quantity", "revenue"]
    page = response.content.decode()
    for hidden in ("COGS", "Gross profit", "Margin", "Markup", "1,500", "1.500"):
        assert hidden not in page
    # Sorting by a column not shown is not honoured.
    assert client.get(URL, {**MARCH, "sort": "cogs"}).context["report"].sort_key() == "-revenue"
    heading, *rows = list(csv.reader(io.StringIO(client.get(URL, {**MARCH, "format": "csv"}).getvalue().decode())))
    assert heading == ["\ufeffProduct", "SKU", "Quantity sold", "Revenue"]
    assert rows == [["Kopi", "K-1", "14.000", "2820.00000"], ["Teh", "T-1", "4.000", "360.00000"]]


def test_only_the_users_warehouses(client, world):
    member = UserFactory(username="jakarta-only")
    member.groups.add(limited_role("Jakarta staff", [world["jakarta"]], template=STAFF))
    client.force_login(member)
    by_warehouse = {**MARCH, "group_by": "warehouse"}
    assert page_figures(client.get(URL, by_warehouse)) == {"Jakarta": (12, 2460)}
    response = client.get(URL, {**by_warehouse, "warehouse": world["surabaya"].pk})
    assert "Surabaya" not in response.content.decode()
    assert page_figures(response) == {"Jakarta": (12, 2460)}
    totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
    assert totals["revenue"] == 2460
    # Nor in the export.
    export = client.get(URL, {**by_warehouse, "warehouse": world["surabaya"].pk, "format": "csv"}).getvalue().decode()
    assert "Surabaya" not in export and "Jakarta" in export


def page_table(response) -> list[list]:
    return [[cell["value"] for cell in row] for row in response.context["rows"]]


def test_csv_and_xlsx_are_the_pages_rows(client_logged_in, world):
    for group_by in GROUPS:
        query = {**MARCH, "group_by": group_by, "sort": "-quantity"}
        shown = client_logged_in.get(URL, query)
        labels = [str(column.label) for column in shown.context["columns"]]
        table = page_table(shown)
        heading, *lines = list(
            csv.reader(io.StringIO(client_logged_in.get(URL, {**query, "format": "csv"}).getvalue().decode()))
        )
        assert [heading[0].lstrip("\ufeff"), *heading[1:]] == labels
        assert lines == [[as_csv(value) for value in row] for row in table], group_by
        workbook = load_workbook(io.BytesIO(client_logged_in.get(URL, {**query, "format": "xlsx"}).getvalue()))
        sheet = list(workbook.active.iter_rows(values_only=True))
        assert list(sheet[0]) == labels
        assert [list(row) for row in sheet[1:]] == [[as_xlsx(value) for value in row] for row in table], group_by


def as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if isinstance(value, date) else str(value)


def as_xlsx(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, date):
        from datetime import datetime

        return datetime(value.year, value.month, value.day)
    return value


def query_counts(client) -> dict:
    """The queries of each grouping's page and CSV export."""
    counts = {}
    for group_by in GROUPS:
        for fmt in ("", "csv"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(URL, {**MARCH, "group_by": group_by, "format": fmt})
                if fmt:
                    response.getvalue()
            counts[group_by, fmt] = len(queries)
    return counts


def test_queries_do_not_grow_with_rows(client_logged_in, world, user):
    few = query_counts(client_logged_in)
    for n in range(5):
        product = ProductFactory(sku=f"X-{n}", category=CategoryFactory(name=f"Extra {n}"))
        company = CompanyFactory(name=f"Client {n}", is_client=True)
        warehouse = WarehouseFactory(name=f"Extra {n}")
        receipt, sale = DocumentType.RECEIPT, DocumentType.SALES_ORDER
        document(receipt, by=user, warehouse=warehouse, supplier=company, on=date(2025, 2, 1), lines=[(product, 5, 10)])
        on = date(2025, 3, 31 - 7 * n)  # another week each
        document(sale, by=user, warehouse=warehouse, client=company, on=on, lines=[(product, 1, 20)])
    response = client_logged_in.get(URL, {**MARCH, "group_by": "client"})
    assert len(response.context["rows"]) == 7
    assert query_counts(client_logged_in) == few


def test_garbage_filters_never_fail(client_logged_in, world):
    for query in (
        {"date_from": "yesterday", "date_to": "2025-13-45"},
        {"date_from": "2025-03-31", "date_to": "2025-03-01"},
        {"group_by": "nonsense"},
        {"group_by": "product\x00"},
        {"q": "kopi\x00"},
        {"warehouse": "\x00"},
        {"client": "99999999999999999999"},
        {"category": "-1"},
        {"sort": "revenue\x00"},
        {"page": "99999999"},
        {"date_from": "99999-01-01"},
    ):
        response = client_logged_in.get(URL, query)
        assert response.status_code == 200, query
    assert keys(client_logged_in.get(URL, {"group_by": "nonsense"}))[0] == "product_name"


def test_a_page_cut_on_its_first_key_keeps_the_ties_at_its_edges(user):
    """The grouped rows are cut to the page's end by the sort's first key before the names are
    joined (`SqlRows.CUT`): with ties straddling a page's edge, every page is that of the whole
    list in the full order, ascending and descending; a sort by name is not cut."""
    warehouse = WarehouseFactory(name="Jakarta")
    client = CompanyFactory(name="Alfa", is_client=True)
    supplier = CompanyFactory(name="Pemasok", is_supplier=True)
    products = [ProductFactory(name=f"Produk {name}", sku=f"P-{name}") for name in "GFEDCBA"]
    receipt = DocumentType.RECEIPT
    on = date(2025, 3, 3)
    document(receipt, by=user, warehouse=warehouse, supplier=supplier, on=on, lines=[(p, 5, 10) for p in products])
    revenues = [100, 100, 100, 200, 200, 100, 300]  # by price: ties at 100 and 200
    sale = DocumentType.SALES_ORDER
    lines = [(product, 1, price) for product, price in zip(products, revenues, strict=True)]
    document(sale, by=user, warehouse=warehouse, client=client, on=on, lines=lines)
    rows = sales_rows(warehouse_ids=None, date_from=on, date_to=on, group_by="product")
    for ordering in (
        ("-revenue", "product_name", "product_id"),
        ("revenue", "product_name", "product_id"),
        ("-quantity", "product_name", "product_id"),
        ("product_name", "product_id"),
    ):
        everything = [row["product_name"] for row in rows.order_by(*ordering)]
        assert len(everything) == 7
        for start, stop in ((0, 2), (2, 4), (1, 3), (3, 6), (5, 7), (0, 7), (6, 20)):
            page = [row["product_name"] for row in rows.order_by(*ordering)[start:stop]]
            assert page == everything[start:stop], (ordering, start, stop)
    first = [row["product_name"] for row in rows.order_by("-revenue", "product_name", "product_id")[0:3]]
    assert first == ["Produk A", "Produk C", "Produk D"]  # 300, then 200 by name
    sql = rows.order_by("-revenue", "product_name")._sql(" LIMIT 2 OFFSET 0", 2)
    assert "WITH TIES" in sql
    assert "WITH TIES" not in rows.order_by("product_name")._sql(" LIMIT 2 OFFSET 0", 2)
