"""The product trace: a fixed history made through the real services, its tree computed by hand
(which receipt each unit went to, what is left), cancellations netted, negative stock shown,
values only with "View purchase price", the user's warehouses only, the moving average saying
why it cannot trace, the exports equal to the page, a constant number of queries, garbage."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.catalogue import STAFF
from inventory.models import CostingMethod, CostLayer, DocumentType, InventorySettings, StockDocument
from inventory.services.documents import cancel_document, process_document
from reports.selectors import trace as selectors
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db
URL = reverse("reports:trace")
D = Decimal
BACK = timezone.localdate() - timedelta(days=30)


@pytest.fixture
def history(user):
    """Two receipts into Alpha (10 @ 100, 10 @ 130); a transfer of 15 to Bravo (10 of the first,
    5 of the second: one layer of 15 worth 1,650 in Bravo); a sales order of 6 from Bravo; a
    write-off of 2 from Alpha; a sales order of 1 from Alpha, cancelled; a receipt of 4 @ 90
    back-dated a month (processed after the others, so FIFO comes to it last); a sales order
    of 5 from Alpha (3 of the second receipt, 2 of the back-dated one); an adjustment of +3 into
    Bravo (at its unit cost, 110) and a stock count there finding 10 of 12 (2 fewer)."""
    alpha, bravo = WarehouseFactory(name="Alpha"), WarehouseFactory(name="Bravo")
    kopi = ProductFactory(name="Kopi Toraja", sku="KOPI-1")
    supplier = CompanyFactory(name="PT Sumber Kopi", is_supplier=True)
    client = CompanyFactory(name="Warung Sejahtera", is_client=True)

    def run(doc_type, warehouse, quantity, price=0, *, date=None, **header):
        document = make_document(doc_type, by=user, warehouse=warehouse, lines=[(kopi, quantity, price)], **header)
        if date is not None:
            StockDocument.objects.filter(pk=document.pk).update(date=date)
        return process_document(document, by=user)

    docs = {
        "rc1": run(DocumentType.RECEIPT, alpha, 10, 100, supplier=supplier),
        "rc2": run(DocumentType.RECEIPT, alpha, 10, 130, supplier=supplier),
        "tr": run(DocumentType.TRANSFER, alpha, 15, destination=bravo),
        "so1": run(DocumentType.SALES_ORDER, bravo, 6, 500, client=client),
        "wo": run(DocumentType.WRITE_OFF, alpha, 2),
        "so2": run(DocumentType.SALES_ORDER, alpha, 1, 500, client=client),
    }
    cancel_document(docs["so2"], by=user)
    docs["rc3"] = run(DocumentType.RECEIPT, alpha, 4, 90, supplier=supplier, date=BACK)
    docs["so3"] = run(DocumentType.SALES_ORDER, alpha, 5, 500, client=client)
    docs["aj"] = run(DocumentType.ADJUSTMENT, bravo, 3)
    docs["sc"] = run(DocumentType.STOCK_COUNT, bravo, 10)
    numbers = {key: document.number for key, document in docs.items()}
    return {"alpha": alpha, "bravo": bravo, "kopi": kopi, "docs": docs, "n": numbers, "user": user}


def lines(response) -> list[tuple]:
    """(layer made by, level, event, document, quantity, value or None) of the page's rows."""
    return [
        (r["origin"], r["level"], r["event"], r["number"], r["quantity"], r.get("value"))
        for r in response.context["page_obj"].object_list
    ]


def expected(n) -> list[tuple]:
    return [
        (n["rc1"], 0, "Transfer", n["tr"], D(10), D("1000.00")),
        (n["tr"], 1, "Sales order", n["so1"], D(6), D("660.00")),
        (n["tr"], 1, "Stock count", n["sc"], D(2), D("220.00")),
        (n["tr"], 1, "On hand", "", D(7), D("770.00")),
        (n["rc1"], 0, "On hand", "", D(0), D("0.00")),
        (n["rc2"], 0, "Transfer", n["tr"], D(5), D("650.00")),
        (n["rc2"], 0, "Write-off", n["wo"], D(2), D("260.00")),
        (n["rc2"], 0, "Sales order", n["so3"], D(3), D("390.00")),
        (n["rc2"], 0, "On hand", "", D(0), D("0.00")),
        (n["rc3"], 0, "Sales order", n["so3"], D(2), D("180.00")),
        (n["rc3"], 0, "On hand", "", D(2), D("180.00")),
        (n["aj"], 0, "On hand", "", D(3), D("330.00")),
    ]


def per_layer(rows) -> dict:
    """Layer → (received, the sum of its rows' quantities, the sum of their values, its value)."""
    sums: dict = {}
    for row in rows:
        received, quantity, value, _unit = sums.get(row["lot"], (row["received"], D(0), D(0), row.get("unit_cost")))
        sums[row["lot"]] = (received, quantity + row["quantity"], value + row.get("value", D(0)), _unit)
    return sums


def test_the_tree_by_hand(client_logged_in, history):
    response = client_logged_in.get(URL, {"product": history["kopi"].pk})
    assert response.status_code == 200
    assert lines(response) == expected(history["n"])
    rows = response.context["page_obj"].object_list
    # Every layer: received = what its rows took + what is on hand (its last row), and so the value.
    for lot, (received, quantity, value, _unit) in per_layer(rows).items():
        layer = CostLayer.objects.get(pk=lot)
        assert received == quantity == layer.quantity
        assert value == layer.value
    heads = {r["origin"]: r for r in rows if r["first"]}
    n = history["n"]
    assert (heads[n["rc1"]]["supplier"], heads[n["rc1"]]["warehouse"], heads[n["rc1"]]["unit_cost"]) == (
        "PT Sumber Kopi",
        "Alpha",
        D("100.00"),
    )
    assert (heads[n["tr"]]["warehouse"], heads[n["tr"]]["received"], heads[n["tr"]]["unit_cost"]) == (
        "Bravo",
        D(15),
        D("110.00"),
    )
    lot1, lot2 = heads[n["rc1"]]["lot"], heads[n["rc2"]]["lot"]
    came = f"Alpha: layer {lot1} of {n['rc1']}: 10\xa0pcs; layer {lot2} of {n['rc2']}: 5\xa0pcs"
    assert heads[n["tr"]]["came_from"] == came
    # The second receipt's transfer row points at the layer shown under the first.
    second = next(r for r in rows if r["origin"] == n["rc2"] and r["number"] == n["tr"])
    assert second["party"] == f"to Bravo (layer {heads[n['tr']]['lot']}, shown above)"
    assert heads[n["rc3"]]["origin_date"] == BACK
    page = response.content.decode()
    # The cancelled sales order is nowhere; the documents and the product link to their pages.
    assert n["so2"] not in page
    assert reverse("inventory:document_detail", args=["transfer", history["docs"]["tr"].pk]) in page
    assert reverse("inventory:product_detail", args=[history["kopi"].pk]) in page
    assert 'id="trace-table"' in page


def test_filters_choose_the_layers_traced(client_logged_in, history):
    n, kopi = history["n"], history["kopi"].pk
    # One receipt: its layer, and the transfer's layer under it (not shown above any more).
    by_receipt = lines(client_logged_in.get(URL, {"product": kopi, "receipt": history["docs"]["rc2"].pk}))
    assert [row[:4] for row in by_receipt] == [
        (n["rc2"], 0, "Transfer", n["tr"]),
        (n["tr"], 1, "Sales order", n["so1"]),
        (n["tr"], 1, "Stock count", n["sc"]),
        (n["tr"], 1, "On hand", ""),
        (n["rc2"], 0, "Write-off", n["wo"]),
        (n["rc2"], 0, "Sales order", n["so3"]),
        (n["rc2"], 0, "On hand", ""),
    ]
    # Bravo: the layers there, the transfer's one whose stock came from Alpha first.
    in_bravo = lines(client_logged_in.get(URL, {"product": kopi, "warehouse": history["bravo"].pk}))
    assert [row[:3] for row in in_bravo] == [
        (n["tr"], 0, "Sales order"),
        (n["tr"], 0, "Stock count"),
        (n["tr"], 0, "On hand"),
        (n["aj"], 0, "On hand"),
    ]
    # The period chooses layers by their document's date: the back-dated receipt alone.
    day = BACK.isoformat()
    by_date = lines(client_logged_in.get(URL, {"product": kopi, "date_from": day, "date_to": day}))
    assert [row[:4] for row in by_date] == [(n["rc3"], 0, "Sales order", n["so3"]), (n["rc3"], 0, "On hand", "")]
    # A search that finds one product chooses it.
    assert lines(client_logged_in.get(URL, {"q": "toraja"})) == expected(n)


def test_the_receipts_offered_are_the_products_processed_ones(client_logged_in, history, user):
    other = ProductFactory()
    draft = make_document(DocumentType.RECEIPT, by=user, warehouse=history["alpha"], lines=[(history["kopi"], 1, 1)])
    elsewhere = make_document(DocumentType.RECEIPT, by=user, warehouse=history["alpha"], lines=[(other, 1, 1)])
    process_document(elsewhere, by=user)
    response = client_logged_in.get(URL, {"product": history["kopi"].pk})
    offered = list(response.context["filter"].form.fields["receipt"].queryset)
    docs = history["docs"]
    assert offered == [docs["rc2"], docs["rc1"], docs["rc3"]]  # newest date first
    assert draft not in offered
    # A receipt of another product is refused as a choice, and the trace is the whole one.
    response = client_logged_in.get(URL, {"product": history["kopi"].pk, "receipt": elsewhere.pk})
    assert "receipt" in response.context["filter"].form.errors
    assert lines(response) == expected(history["n"])


def test_a_cancelled_receipt_is_marked_with_nothing_left(client_logged_in, history, user):
    receipt = process_document(
        make_document(DocumentType.RECEIPT, by=user, warehouse=history["alpha"], lines=[(history["kopi"], 12, 95)]),
        by=user,
    )
    cancel_document(receipt, by=user)
    response = client_logged_in.get(URL, {"product": history["kopi"].pk})
    rows = [r for r in response.context["page_obj"].object_list if r["origin"] == receipt.number]
    assert [(r["event"], r["quantity"], r["value"], r["status"]) for r in rows] == [
        ("Processing cancelled", D(12), D("1140.00"), "cancelled"),
        ("On hand", D(0), D("0.00"), "cancelled"),
    ]
    assert "processing cancelled" in response.content.decode()


def test_negative_stock_and_what_made_up_for_it(client_logged_in, user):
    """2 @ 40 in; a sales order of 7 (2 from the layer, 5 short, booked at 40); a receipt of
    3 @ 50 makes up for 3 of it: 2 still short."""
    InventorySettings.objects.update_or_create(id=1, defaults={"allow_negative_sales_order": True})
    shop, teh = WarehouseFactory(name="Toko"), ProductFactory(name="Teh", sku="TEH-1")

    def run(doc_type, quantity, price=0):
        lines = [(teh, quantity, price)]
        return process_document(make_document(doc_type, by=user, warehouse=shop, lines=lines), by=user)

    first = run(DocumentType.RECEIPT, 2, 40)
    sale = run(DocumentType.SALES_ORDER, 7, 60)
    late = run(DocumentType.RECEIPT, 3, 50)
    response = client_logged_in.get(URL, {"product": teh.pk})
    assert lines(response) == [
        (first.number, 0, "Sales order", sale.number, D(2), D("80.00")),
        (first.number, 0, "On hand", "", D(0), D("0.00")),
        (sale.number, 0, "Negative stock made up", late.number, D(-3), D("-120.00")),
        (sale.number, 0, "Still short", "", D(-2), D("-80.00")),
        (late.number, 0, "Made up for negative stock", sale.number, D(3), D("150.00")),
        (late.number, 0, "On hand", "", D(0), D("0.00")),
    ]
    rows = response.context["page_obj"].object_list
    for lot, (received, quantity, value, _unit) in per_layer(rows).items():
        layer = CostLayer.objects.get(pk=lot)
        assert (received, value) == (quantity, layer.value)
    shortfall = next(r for r in rows if r["origin"] == sale.number)
    assert (shortfall["received"], shortfall["status"], shortfall["unit_cost"]) == (D(-5), "negative stock", D("40.00"))
    assert "negative stock" in response.content.decode()


def test_staff_see_quantities_only(client, history):
    staff = UserFactory(username="store-staff", roles=[STAFF])
    client.force_login(staff)
    response = client.get(URL, {"product": history["kopi"].pk})
    assert [row[:5] for row in lines(response)] == [row[:5] for row in expected(history["n"])]
    assert all("value" not in r and "unit_cost" not in r for r in response.context["page_obj"].object_list)
    keys = [c.key for c in response.context["columns"]]
    assert "value" not in keys and "unit_cost" not in keys
    page = response.content.decode()
    assert "1.000,00" not in page and "1,000.00" not in page and "660" not in page
    exported = client.get(URL, {"product": history["kopi"].pk, "format": "csv"})
    heading = next(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert "Value" not in heading and "Unit cost" not in heading


def only(client, warehouse, name):
    member = UserFactory(username=name)
    member.groups.add(limited_role(name, [warehouse], template=STAFF))
    client.force_login(member)


def test_only_the_users_warehouses(client, history):
    n, kopi = history["n"], history["kopi"].pk
    only(client, history["alpha"], "alpha-staff")
    response = client.get(URL, {"product": kopi})
    rows = lines(response)
    assert [row[:4] for row in rows] == [
        (n["rc1"], 0, "Transfer", n["tr"]),
        (n["rc1"], 0, "On hand", ""),
        (n["rc2"], 0, "Transfer", n["tr"]),
        (n["rc2"], 0, "Write-off", n["wo"]),
        (n["rc2"], 0, "Sales order", n["so3"]),
        (n["rc2"], 0, "On hand", ""),
        (n["rc3"], 0, "Sales order", n["so3"]),
        (n["rc3"], 0, "On hand", ""),
    ]
    transfers = [r for r in response.context["page_obj"].object_list if r["number"] == n["tr"]]
    assert {r["party"] for r in transfers} == {"to a warehouse you do not see"}
    assert all(r["number_url"] is None for r in transfers)  # a transfer's page needs both warehouses
    page = response.content.decode()
    assert "Bravo" not in page and n["so1"] not in page and n["aj"] not in page
    # Bravo's id typed into the warehouse filter is refused as a choice, not shown.
    response = client.get(URL, {"product": kopi, "warehouse": history["bravo"].pk})
    assert "Bravo" not in response.content.decode()


def test_a_transfer_from_a_warehouse_not_seen(client, history):
    n = history["n"]
    only(client, history["bravo"], "bravo-staff")
    response = client.get(URL, {"product": history["kopi"].pk})
    assert [row[:4] for row in lines(response)] == [
        (n["tr"], 0, "Sales order", n["so1"]),
        (n["tr"], 0, "Stock count", n["sc"]),
        (n["tr"], 0, "On hand", ""),
        (n["aj"], 0, "On hand", ""),
    ]
    head = response.context["page_obj"].object_list[0]
    assert head["came_from"] == "a warehouse you do not see"
    page = response.content.decode()
    assert "Alpha" not in page and n["rc1"] not in page and n["wo"] not in page


def test_a_product_without_history_in_the_users_warehouses_is_refused(client, history):
    only(client, WarehouseFactory(name="Charlie"), "charlie-staff")
    response = client.get(URL, {"product": history["kopi"].pk})
    assert response.status_code == 200
    assert response.context["product"] is None
    assert "No product with stock history in your warehouses has this id" in response.content.decode()
    assert "Kopi Toraja" not in response.content.decode()


def test_the_moving_average_says_it_cannot_trace(client_logged_in, history):
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": CostingMethod.AVERAGE})
    n = history["n"]
    response = client_logged_in.get(URL, {"product": history["kopi"].pk})
    page = response.content.decode()
    assert 'id="trace-average"' in page and "cannot be traced" in page
    assert 'id="trace-table"' not in page
    rows = [
        (r["warehouse_name"], r["number"], r["party"], r["received"], r["sent"])
        for r in response.context["page_obj"].object_list
    ]
    assert rows == [
        ("Alpha", n["rc3"], "PT Sumber Kopi", D(4), None),  # back-dated: first by date
        ("Alpha", n["rc1"], "PT Sumber Kopi", D(10), None),
        ("Alpha", n["rc2"], "PT Sumber Kopi", D(10), None),
        ("Alpha", n["tr"], "Bravo", None, D(15)),
        ("Alpha", n["wo"], "", None, D(2)),
        ("Alpha", n["so3"], "Warung Sejahtera", None, D(5)),
        ("Bravo", n["tr"], "Alpha", D(15), None),
        ("Bravo", n["so1"], "Warung Sejahtera", None, D(6)),
        ("Bravo", n["aj"], "", D(3), None),
        ("Bravo", n["sc"], "", None, D(2)),
    ]
    totals = {cell["column"].key: cell["value"] for cell in response.context["totals"]}
    assert (totals["received"], totals["sent"]) == (D(42), D(30))
    # A receipt: its warehouse's history, as the receipt joined its pool.
    response = client_logged_in.get(URL, {"product": history["kopi"].pk, "receipt": history["docs"]["rc1"].pk})
    assert {r["warehouse_name"] for r in response.context["page_obj"].object_list} == {"Alpha"}


def exported_csv(client, params) -> list[list[str]]:
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_exports_are_the_page(client_logged_in, history):
    params = {"product": history["kopi"].pk}
    response = client_logged_in.get(URL, params)
    columns = response.context["columns"]
    shown = [[cell["value"] for cell in row] for row in response.context["rows"]]
    table = exported_csv(client_logged_in, params)
    assert table[0] == [str(c.label) for c in columns]
    assert len(table) - 1 == len(shown) == 12
    for line, values in zip(table[1:], shown, strict=True):
        assert line == ["" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values]
    first = dict(zip(table[0], table[1], strict=True))
    assert (first["Traced from"], first["Layer made by"], first["Event"], first["Quantity"], first["Value"]) == (
        history["n"]["rc1"],
        history["n"]["rc1"],
        "Transfer",
        "10.000",
        "1000.00",
    )
    xlsx = client_logged_in.get(URL, {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert len(cells) == 13
    quantity, value = table[0].index("Quantity"), table[0].index("Value")
    assert (cells[1][quantity], cells[1][value]) == (10, 1000)  # numbers, not text


def test_formula_text_is_escaped_in_exports(client_logged_in, history, user):
    process_document(
        make_document(
            DocumentType.SALES_ORDER,
            by=user,
            warehouse=history["alpha"],
            lines=[(history["kopi"], 1, 500)],
            client=CompanyFactory(name="=HYPERLINK(1)", is_client=True),
        ),
        by=user,
    )
    table = exported_csv(client_logged_in, {"product": history["kopi"].pk})
    party = table[0].index("To / details")
    assert "'=HYPERLINK(1)" in [line[party] for line in table[1:]]


def test_pages_of_a_long_trace_repeat_the_layer(client_logged_in, history, user):
    kopi, alpha = history["kopi"], history["alpha"]
    process_document(make_document(DocumentType.ADJUSTMENT, by=user, warehouse=alpha, lines=[(kopi, 200)]), by=user)
    for _ in range(110):
        process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=alpha, lines=[(kopi, 1)]), by=user)
    first = client_logged_in.get(URL, {"product": kopi.pk})
    second = client_logged_in.get(URL, {"product": kopi.pk, "page": 2})
    # The first two write-offs take the back-dated receipt's last 2, the others the adjustment's layer.
    assert first.context["page_obj"].paginator.count == 12 + 2 + 108 + 1
    assert second.status_code == 200
    opening = second.context["page_obj"].object_list[0]
    assert not opening["first"]  # the layer goes on from the first page: its heading again
    assert "(continued)" in second.content.decode()


def test_too_long_a_trace_asks_for_filters(client_logged_in, history, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_TAKES", 5)
    response = client_logged_in.get(URL, {"product": history["kopi"].pk})
    assert 'id="trace-too-many"' in response.content.decode()
    assert response.context["page_obj"].object_list == []
    # One receipt's layers have fewer.
    response = client_logged_in.get(URL, {"product": history["kopi"].pk, "receipt": history["docs"]["rc3"].pk})
    assert len(lines(response)) == 2


def test_queries_do_not_grow_with_takes(client_logged_in, history, user):
    kopi, alpha, bravo = history["kopi"], history["alpha"], history["bravo"]
    params = {"product": kopi.pk}
    with CaptureQueriesContext(connection) as few:
        client_logged_in.get(URL, params)
    process_document(make_document(DocumentType.RECEIPT, by=user, warehouse=alpha, lines=[(kopi, 30, 120)]), by=user)
    for _ in range(4):
        process_document(
            make_document(DocumentType.TRANSFER, by=user, warehouse=alpha, destination=bravo, lines=[(kopi, 3)]),
            by=user,
        )
        sale = make_document(DocumentType.SALES_ORDER, by=user, warehouse=bravo, lines=[(kopi, 2, 9)])
        process_document(sale, by=user)
        process_document(make_document(DocumentType.WRITE_OFF, by=user, warehouse=alpha, lines=[(kopi, 1)]), by=user)
    with CaptureQueriesContext(connection) as more:
        response = client_logged_in.get(URL, params)
    assert len(response.context["page_obj"].object_list) > len(expected(history["n"])) + 12
    assert len(more) == len(few)


@pytest.mark.parametrize(
    "params",
    [
        {"product": "999999999"},
        {"product": "9" * 40},
        {"product": "-1"},
        {"product": "1\x00"},
        {"product": "x" * 10_000},
        {"q": "kopi\x00"},
        {"q": "x" * 10_000},
        {"receipt": "9" * 40},
        {"warehouse": "abc"},
        {"date_from": "2026-13-45", "date_to": "\x00"},
        {"page": "999999"},
        {"page": "x"},
        {"format": "pdf"},
        {"sort": "-nonsense"},
    ],
)
def test_garbage_is_never_a_500(client_logged_in, history, params):
    data = {"product": history["kopi"].pk, **params} if "product" not in params else params
    response = client_logged_in.get(URL, data)
    assert response.status_code in (200, 400)


def test_an_unknown_product_id_says_so(client_logged_in, history):
    response = client_logged_in.get(URL, {"product": "999999999"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No product with stock history in your warehouses has this id" in page
    assert 'id="trace-choose"' in page


def test_choose_a_product_first(client_logged_in, history):
    response = client_logged_in.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="trace-choose"' in page
    assert 'id="export-csv"' not in page
    options = list(response.context["filter"].form.fields["product"].queryset)
    assert options == [history["kopi"]]  # the products with stock history only


def test_the_product_list_is_capped_the_chosen_product_always_offered(client_logged_in, history, user, monkeypatch):
    for n in range(3):
        stock_in(by=user, warehouse=history["alpha"], product=ProductFactory(name=f"Aaa {n}"), quantity=1)
    monkeypatch.setattr("reports.filters.trace.SHOWN_PRODUCTS", 2)
    form = client_logged_in.get(reverse("reports:trace")).context["filter"].form
    assert len(form.fields["product"].widget.choices) == 3  # the empty choice and two products
    response = client_logged_in.get(reverse("reports:trace"), {"product": history["kopi"].pk})
    choices = response.context["filter"].form.fields["product"].widget.choices
    assert len(choices) == 4 and choices[-1][0] == history["kopi"].pk
    assert lines(response)  # the trace of the chosen product is shown
