"""The stock report (as of a date), the movements report and the ledger drill-down, against
figures computed by hand from `tests.reports.history` (a back-dated receipt, a cancelled
write-off); opening + in − out = closing on every row; warehouse scope and the right to see
values; exports equal to the page; queries constant in rows."""

import csv
import io
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.catalogue import STAFF
from inventory.models import DocumentType
from inventory.services.documents import process_document
from reports.selectors.stock import DAY_FIGURES, Scope, movement_rows
from tests.factories import CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.reports.history import days_ago, make_history
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(user):
    return make_history(user)


def table(response) -> list[dict]:
    """The page's rows as {column key: value}."""
    return [{cell["column"].key: cell["value"] for cell in row} for row in response.context["rows"]]


def pick(rows, *keys) -> list[tuple]:
    return [tuple(row[key] for key in keys) for row in rows]


def stock(client, **query):
    return client.get(reverse("reports:stock"), query)


def test_stock_today(client_logged_in, world):
    response = stock(client_logged_in)
    assert response.status_code == 200
    assert pick(table(response), "product_name", "warehouse_name", "on_hand", "reserved", "available", "value") == [
        ("Kopi", "Jakarta", D(8), D(0), D(8), D("950.00")),
        ("Kopi", "Surabaya", D(4), D(0), D(4), D("400.00")),
        ("Teh", "Surabaya", D(7), D(0), D(7), D("350.00")),
    ]
    totals = response.context["warehouse_totals"]
    assert pick(totals, "warehouse_name", "products", "value") == [
        ("Jakarta", 1, D("950.00")),
        ("Surabaya", 2, D("750.00")),
    ]
    assert response.context["totals"][-1]["value"] == D("1700.00")


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        (
            6,
            [
                ("Kopi", "Jakarta", D(15), D("1650.00")),
                ("Kopi", "Surabaya", D(0), D(0)),
                ("Teh", "Surabaya", D(7), D("350.00")),
            ],
        ),
        (
            15,
            [
                ("Kopi", "Jakarta", D(10), D("1000.00")),
                ("Kopi", "Surabaya", D(0), D(0)),
                ("Teh", "Surabaya", D(7), D("350.00")),
            ],
        ),
        (
            3,
            [
                ("Kopi", "Jakarta", D(11), D("1250.00")),
                ("Kopi", "Surabaya", D(4), D("400.00")),
                ("Teh", "Surabaya", D(7), D("350.00")),
            ],
        ),
        (31, [("Kopi", "Jakarta", D(0), D(0)), ("Kopi", "Surabaya", D(0), D(0)), ("Teh", "Surabaya", D(0), D(0))]),
    ],
)
def test_stock_on_a_past_day(client_logged_in, world, back, expected):
    """The back-dated receipt counts from its date; the cancelled write-off on no day."""
    response = stock(client_logged_in, day=days_ago(back).isoformat())
    rows = table(response)
    assert pick(rows, "product_name", "warehouse_name", "on_hand", "value") == expected
    assert "reserved" not in rows[0]  # reservations have no history
    assert 'id="past-day-note"' in response.content.decode()


def test_stock_non_zero_by_category_and_filters(client_logged_in, world):
    rows = table(stock(client_logged_in, day=days_ago(6).isoformat(), non_zero="on"))
    assert pick(rows, "product_name", "warehouse_name") == [("Kopi", "Jakarta"), ("Teh", "Surabaya")]
    rows = table(stock(client_logged_in, group="category"))
    assert pick(rows, "category_name", "warehouse_name", "products", "value") == [
        ("Drinks", "Jakarta", 1, D("950.00")),
        ("Drinks", "Surabaya", 2, D("750.00")),
    ]
    assert pick(table(stock(client_logged_in, q="teh")), "product_name") == [("Teh",)]
    assert pick(table(stock(client_logged_in, warehouse=world["jakarta"].pk)), "warehouse_name") == [("Jakarta",)]
    rows = table(stock(client_logged_in, sort="-value"))
    assert pick(rows, "value") == [(D("950.00"),), (D("400.00"),), (D("350.00"),)]


def movements(client, **query):
    return client.get(reverse("reports:movements"), query)


def test_movements_over_a_period(client_logged_in, world):
    response = movements(client_logged_in, date_from=days_ago(10).isoformat(), date_to=days_ago(1).isoformat())
    rows = table(response)
    assert pick(rows, "product_name", "warehouse_name", "opening", "quantity_in", "quantity_out", "closing") == [
        ("Kopi", "Jakarta", D(10), D(5), D(7), D(8)),
        ("Kopi", "Surabaya", D(0), D(4), D(0), D(4)),
        ("Teh", "Surabaya", D(7), D(0), D(0), D(7)),
    ]
    assert pick(rows, "opening_value", "value_in", "value_out", "closing_value") == [
        (D("1000.00"), D("650.00"), D("700.00"), D("950.00")),
        (D(0), D("400.00"), D(0), D("400.00")),
        (D("350.00"), D(0), D(0), D("350.00")),
    ]
    totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
    assert (totals["opening_value"], totals["value_in"], totals["value_out"], totals["closing_value"]) == (
        D("1350.00"),
        D("1050.00"),
        D("700.00"),
        D("1700.00"),
    )


@pytest.mark.parametrize("figure", ["quantity_in", "-quantity_in", "quantity_out", "-quantity_out", "-value_out"])
@pytest.mark.parametrize("window", [(40, 0), (10, 1), (5, 3)])
def test_movements_ranked_by_a_figure_cut_the_same_pages(world, figure, window):
    """Sorted by an in or out figure, the page is cut before the days are read; every page, and
    the export's rows, are those of the rows read in full and sorted the same way."""
    period = {"date_from": days_ago(window[0]), "date_to": days_ago(window[1]), "scope": Scope()}
    ordering = [figure, "sku", "warehouse_name", "warehouse_id"]
    expected = list(movement_rows(**period).order_by(*ordering))
    ranked = movement_rows(**period, ranked_by=figure.lstrip("-")).order_by(*ordering)
    assert ranked.count() == len(expected) == 3
    assert [row for start in range(3) for row in ranked[start : start + 1]] == expected
    assert list(ranked.iterator()) == expected
    assert figure.lstrip("-") in DAY_FIGURES


def test_movements_sorted_by_out_descending_are_cut_among_what_went_out(user):
    """Sorted by out (or value out) descending, a page is cut from the balances that sent
    something out when they fill it (ties at its edges included), else from every balance: in
    every scope, each page is that of the whole list sorted the same way."""
    jakarta, surabaya = WarehouseFactory(name="Jakarta"), WarehouseFactory(name="Surabaya")
    coffee = CategoryFactory(name="Coffee")
    products = [
        ProductFactory(name=f"Produk {c}", sku=f"P-{c}", category=coffee if i % 2 else None)
        for i, c in enumerate("HGFEDCBA")
    ]
    outs = {jakarta: [3, 3, 2, 2, 2, 1, 0, 0], surabaya: [2, 0, 1, 3, 0, 0, 0, 2]}
    for warehouse, quantities in outs.items():
        lines = [(product, 5, 10) for product in products]
        process_document(make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=lines), by=user)
        lines = [(product, q) for product, q in zip(products, quantities, strict=True) if q]
        process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=warehouse, lines=lines), by=user)
    period = {"date_from": days_ago(0), "date_to": days_ago(0)}
    scopes = [
        Scope(),
        Scope(warehouse=surabaya),
        Scope(warehouse_ids=[jakarta.pk]),
        Scope(category=coffee),
        Scope(search="P-B"),  # nothing went out: every page from every balance
    ]
    for scope, figure in itertools.product(scopes, ["-quantity_out", "quantity_out", "-value_out"]):
        ordering = [figure, "sku", "warehouse_name", "warehouse_id"]
        expected = list(movement_rows(**period, scope=scope).order_by(*ordering))
        ranked = movement_rows(**period, scope=scope, ranked_by=figure.lstrip("-")).order_by(*ordering)
        for start, stop in ((0, 1), (0, 2), (1, 3), (2, 5), (4, 9), (8, 12), (0, 16), (10, 40), (15, 16)):
            assert ranked[start:stop] == expected[start:stop], (scope, figure, start, stop)
        assert list(ranked.iterator()) == expected
        assert ("WITH TIES" in ranked._sql(" LIMIT 2 OFFSET 0", 2)) is figure.startswith("-")
    everything = Scope()
    ranked = movement_rows(**period, scope=everything, ranked_by="quantity_out")
    first = ranked.order_by("-quantity_out", "sku", "warehouse_name", "warehouse_id")[0:5]
    assert pick(first, "sku", "warehouse_name", "quantity_out") == [
        ("P-E", "Surabaya", D(3)),
        ("P-G", "Jakarta", D(3)),
        ("P-H", "Jakarta", D(3)),
        ("P-A", "Surabaya", D(2)),
        ("P-D", "Jakarta", D(2)),
    ]


@pytest.mark.parametrize("window", [(40, 0), (30, 21), (20, 11), (10, 6), (5, 3), (3, 3), (2, 0), (1, 0)])
def test_opening_plus_in_minus_out_is_closing_and_the_next_opening(client_logged_in, world, window):
    start, end = days_ago(window[0]), days_ago(window[1])
    query = {"date_from": start.isoformat(), "date_to": end.isoformat()}
    rows = table(movements(client_logged_in, **query))
    assert len(rows) == 3
    day_after = table(stock(client_logged_in, day=end.isoformat()))
    for row, then in zip(rows, day_after, strict=True):
        assert row["opening"] + row["quantity_in"] - row["quantity_out"] == row["closing"] == then["on_hand"]
        assert row["opening_value"] + row["value_in"] - row["value_out"] == row["closing_value"] == then["value"]


def test_the_ledger_of_one_balance(client_logged_in, world):
    query = {
        "product": world["kopi"].pk,
        "warehouse": world["jakarta"].pk,
        "date_from": days_ago(10).isoformat(),
        "date_to": days_ago(1).isoformat(),
    }
    response = client_logged_in.get(reverse("reports:ledger"), query)
    docs = world["documents"]
    rows = table(response)
    assert pick(rows, "number", "quantity_in", "quantity_out", "balance", "value", "balance_value") == [
        (docs["r2"].number, D(5), None, D(15), D("650.00"), D("1650.00")),
        (docs["transfer"].number, None, D(4), D(11), D("-400.00"), D("1250.00")),
        (docs["write_off"].number, None, D(2), D(9), D("-200.00"), D("1050.00")),
        (docs["write_off"].number, None, D(-2), D(11), D("200.00"), D("1250.00")),
        (docs["sale"].number, None, D(3), D(8), D("-300.00"), D("950.00")),
    ]
    assert rows[3]["is_reversal"] == "cancellation"
    assert rows[1]["counterparty"] == "Surabaya"
    page = response.content.decode()
    assert reverse("inventory:document_detail", args=["receipt", docs["r2"].pk]) in page
    assert "Opening balance on" in page


def test_a_figure_links_to_its_ledger(client_logged_in, world):
    response = movements(client_logged_in, date_from=days_ago(10).isoformat(), date_to=days_ago(1).isoformat())
    url = response.context["rows"][0][4]["url"]  # the "In" of Kopi in Jakarta
    assert url.startswith(reverse("reports:ledger"))
    assert len(table(client_logged_in.get(url))) == 5


def test_staff_see_no_values_and_a_limited_user_only_their_warehouse(client, world):
    staff = UserFactory(username="staffer", roles=[STAFF])
    client.force_login(staff)
    rows = table(stock(client))
    assert "value" not in rows[0] and "unit_cost" not in rows[0]
    assert "value_in" not in table(movements(client, date_from=days_ago(40).isoformat()))[0]
    export = client.get(reverse("reports:stock"), {"format": "csv"})
    assert "Value" not in b"".join(export.streaming_content).decode()

    member = UserFactory(username="jakarta-only")
    member.groups.add(limited_role("Jakarta staff", [world["jakarta"]], template=STAFF))
    client.force_login(member)
    assert pick(table(stock(client)), "warehouse_name") == [("Jakarta",)]
    assert pick(table(stock(client, warehouse=world["surabaya"].pk)), "warehouse_name") == [("Jakarta",)]
    rows = table(movements(client, date_from=days_ago(40).isoformat()))
    assert pick(rows, "warehouse_name") == [("Jakarta",)]
    ledger = client.get(reverse("reports:ledger"), {"product": world["kopi"].pk, "warehouse": world["surabaya"].pk})
    assert ledger.status_code == 200 and table(ledger) == [] and "Surabaya" not in ledger.content.decode()


def test_exports_equal_the_page(client_logged_in, world):
    query = {"date_from": days_ago(10).isoformat(), "date_to": days_ago(1).isoformat()}
    page = movements(client_logged_in, **query)
    headings = [str(c.label) for c in page.context["columns"]]
    shown = [[cell["value"] for cell in row] for row in page.context["rows"]]

    response = client_logged_in.get(reverse("reports:movements"), {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == headings
    assert [[D(v) if i >= 3 else v for i, v in enumerate(line)] for line in lines[1:]] == shown

    response = client_logged_in.get(reverse("reports:movements"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert list(values[0]) == headings
    assert [[D(str(v)) if i >= 3 else v for i, v in enumerate(row)] for row in values[1:]] == shown


def test_queries_do_not_grow_with_rows(client_logged_in, world, user):
    def count(name, **query):
        with CaptureQueriesContext(connection) as queries:
            assert client_logged_in.get(reverse(name), query).status_code == 200
        return len(queries)

    before = [count("reports:stock"), count("reports:stock", day=days_ago(6).isoformat()), count("reports:movements")]
    for n in range(6):
        stock_in(by=user, warehouse=world["jakarta"], product=ProductFactory(sku=f"X-{n}"), quantity=n + 1)
    after = [count("reports:stock"), count("reports:stock", day=days_ago(6).isoformat()), count("reports:movements")]
    assert after == before


@pytest.mark.parametrize(
    "query",
    [
        {"day": "garbage"},
        {"day": "0001-01-01"},
        {"day": "9999-12-31"},
        {"date_from": "9999-12-31", "date_to": "0001-01-01"},
        {"q": "\x00"},
        {"warehouse": "999999"},
        {"category": "abc"},
        {"group": "nonsense"},
        {"sort": "value; DROP TABLE x"},
        {"product": "99999999999999999999", "warehouse": "-1"},
        {"page": "-3"},
    ],
)
def test_garbage_filters_are_never_a_server_error(client_logged_in, world, query):
    for name in ("reports:stock", "reports:movements", "reports:ledger"):
        assert client_logged_in.get(reverse(name), query).status_code == 200, (name, query)


@pytest.mark.parametrize("report", ["stock", "movements", "gross_profit", "low_stock"])
@pytest.mark.parametrize(
    "sort", ["--quantity_out", "--value", "---on_hand", "-", "", "-quantity_out;DROP", "\x00", "-" * 500]
)
def test_a_sort_key_with_more_than_one_minus_is_not_a_sort(client_logged_in, world, report, sort):
    """A sort key is a column, "-" first for descending: anything else sorts by default."""
    response = client_logged_in.get(reverse(f"reports:{report}"), {"sort": sort})
    assert response.status_code == 200
    default = client_logged_in.get(reverse(f"reports:{report}"))
    assert table(response) == table(default)
