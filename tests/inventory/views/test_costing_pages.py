"""What stock cost, on the pages: a sales order's COGS, gross profit, margin and markup; each
movement's value; a product's unit cost, value and open cost layers per warehouse; the stock
page's values and their total. Only with "View purchase price", only for the warehouses the
user sees, in a number of queries that does not grow with the rows.

The worked example: receipts of 10 @ 100 and 10 @ 60, a sale of 15 at 150. FIFO: COGS 1,300
(10 × 100 + 5 × 60), revenue 2,250, profit 950, margin 42.2%, markup 73.1%, 5 @ 60 left.
Moving average: COGS 1,200 (15 × 80), profit 1,050, margin 46.7%, markup 87.5%, 5 @ 80 left.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.catalogue import ADMINISTRATOR, CLERK, DEFAULT_ROLES, VIEW_PURCHASE_PRICE, right
from accounts.roles import grant_on_warehouses, permissions_named
from accounts.services.profiles import set_language
from inventory.formatting import format_percent
from inventory.models import CostingMethod, DocumentType, InventorySettings, MinimumStock, StockDocument
from inventory.services.documents import cancel_document, process_document
from inventory.views import stock as stock_views
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\N{NO-BREAK SPACE}"
STOCK = reverse("inventory:stock")


def money(amount: str) -> str:
    """How an English page writes an amount of the default currency ("-IDR 60": sign first)."""
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    return f"{sign}{settings.DEFAULT_CURRENCY}{NBSP}{digits}"


def use(method: str) -> None:
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": method})


def receive(by, warehouse, lines):
    return process_document(make_document(DocumentType.RECEIPT, by=by, warehouse=warehouse, lines=lines), by=by)


def sell(by, warehouse, lines, *, currency=None):
    order = make_document(DocumentType.SALES_ORDER, by=by, warehouse=warehouse, lines=lines)
    if currency:
        StockDocument.objects.filter(pk=order.pk).update(currency=currency)
        order.refresh_from_db()
    return process_document(order, by=by)


def detail_url(document) -> str:
    return reverse("inventory:document_detail", args=[document.doc_type, document.pk])


def product_url(product) -> str:
    return reverse("inventory:product_detail", args=[product.pk])


def clerk_role(name: str, *, warehouses=None, costs: bool = True) -> Group:
    """The clerk's rights (less "View purchase price" unless `costs`), the per-warehouse ones
    on `warehouses` only (None: on all)."""
    rights = set(DEFAULT_ROLES[CLERK]) - (set() if costs else {VIEW_PURCHASE_PRICE})
    role = Group.objects.create(name=name)
    if warehouses is None:
        role.permissions.set(permissions_named(rights))
    else:
        role.permissions.set(permissions_named(r for r in rights if not right(r).per_warehouse))
        grant_on_warehouses(role, [r for r in rights if right(r).per_warehouse], warehouses)
    return role


@pytest.fixture
def admin():
    return UserFactory(username="boss", roles=[ADMINISTRATOR])


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta", code="JKT")


@pytest.fixture
def kopi():
    return ProductFactory(sku="KOPI-01", name="Kopi Arabika")


@pytest.fixture
def example(admin, wh, kopi):
    """The worked example, FIFO: two receipts and the sale."""
    use(CostingMethod.FIFO)
    first = receive(admin, wh, [(kopi, 10, 100)])
    second = receive(admin, wh, [(kopi, 10, 60)])
    order = sell(admin, wh, [(kopi, 15, 150)])
    return {"first": first, "second": second, "order": order}


@pytest.fixture
def no_costs_client(client):
    """A clerk whose role lacks "View purchase price"."""
    user = UserFactory(username="no-costs")
    user.groups.add(clerk_role("Clerk without costs", costs=False))
    client.force_login(user)
    return client


def figures(profit) -> tuple:
    return (
        profit.revenue,
        profit.cogs,
        profit.profit,
        profit.margin.quantize(D("0.1")),
        profit.markup.quantize(D("0.1")),
    )


# --- the sales order ------------------------------------------------------------------------


def test_a_sales_order_shows_cogs_profit_margin_and_markup(client, admin, example):
    client.force_login(admin)
    response = client.get(detail_url(example["order"]))
    assert response.status_code == 200
    assert figures(response.context["profit"]) == (D(2250), D(1300), D(950), D("42.2"), D("73.1"))
    (line,) = response.context["lines"]
    assert figures(line.profit) == (D(2250), D(1300), D(950), D("42.2"), D("73.1"))
    html = response.content.decode()
    for text in ("COGS", "Gross profit", "Margin", "Markup", "profit ÷ revenue", "profit ÷ cost"):
        assert text in html, text
    for text in (money("1,300"), money("2,250"), money("950"), "42.2%", "73.1%"):
        assert html.count(text) >= 2, text  # the line and the total
    assert money("-1,300") in html  # the movement's value


def test_the_moving_average_gives_its_own_figures(client, admin, wh, kopi):
    use(CostingMethod.AVERAGE)
    receive(admin, wh, [(kopi, 10, 100)])
    receive(admin, wh, [(kopi, 10, 60)])
    order = sell(admin, wh, [(kopi, 15, 150)])
    client.force_login(admin)
    response = client.get(detail_url(order))
    assert figures(response.context["profit"]) == (D(2250), D(1200), D(1050), D("46.7"), D("87.5"))


def test_lines_and_total_add_up(client, admin, wh, kopi):
    use(CostingMethod.FIFO)
    teh = ProductFactory(sku="TEH-01")
    receive(admin, wh, [(kopi, 10, 100), (teh, 4, 25)])
    order = sell(admin, wh, [(kopi, 3, 150), (teh, 2, 20)])
    client.force_login(admin)
    response = client.get(detail_url(order))
    by_sku = {line.product.sku: line.profit for line in response.context["lines"]}
    assert (by_sku["KOPI-01"].cogs, by_sku["KOPI-01"].profit) == (D(300), D(150))
    assert (by_sku["TEH-01"].cogs, by_sku["TEH-01"].profit) == (D(50), D(-10))
    total = response.context["profit"]
    assert (total.revenue, total.cogs, total.profit) == (D(490), D(350), D(140))
    assert by_sku["TEH-01"].margin == D(-25)
    assert "text-danger" in response.content.decode()  # the loss


def test_only_the_last_processing_counts(client, admin, example):
    order = example["order"]
    cancel_document(order, by=admin)
    process_document(order, by=admin)
    client.force_login(admin)
    response = client.get(detail_url(order))
    assert response.context["profit"].cogs == D(1300)  # not 0 (the reversal), not 2,600 (both)


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_an_order_not_processed_has_no_figures(client, admin, wh, kopi, example, state):
    order = example["order"]
    if state == "draft":
        order = make_document(DocumentType.SALES_ORDER, by=admin, warehouse=wh, lines=[(kopi, 1, 150)])
    else:
        cancel_document(order, by=admin)
    client.force_login(admin)
    response = client.get(detail_url(order))
    assert response.context["profit"] is None
    assert "COGS" not in response.content.decode() and "Markup" not in response.content.decode()


def test_an_order_in_another_currency_shows_its_cost_but_no_profit(client, admin, wh, kopi):
    use(CostingMethod.FIFO)
    receive(admin, wh, [(kopi, 10, 100)])
    order = sell(admin, wh, [(kopi, 2, 15)], currency="USD")
    client.force_login(admin)
    response = client.get(detail_url(order))
    profit = response.context["profit"]
    assert (profit.cogs, profit.revenue, profit.profit, profit.margin, profit.markup) == (
        D(200),
        None,
        None,
        None,
        None,
    )
    assert "the profit of an order in USD is not computed" in response.content.decode()


def test_other_documents_show_their_movements_values(client, admin, wh, kopi, example):
    other = WarehouseFactory(name="Gudang Bandung", code="BDG")
    write_off = process_document(
        make_document(DocumentType.WRITE_OFF, by=admin, warehouse=wh, lines=[(kopi, 1)]), by=admin
    )
    transfer = process_document(
        make_document(DocumentType.TRANSFER, by=admin, warehouse=wh, destination=other, lines=[(kopi, 2)]), by=admin
    )
    client.force_login(admin)

    def values(document):
        response = client.get(detail_url(document))
        assert response.context["profit"] is None
        return [(move.quantity, move.value) for move in response.context["moves"]]

    assert values(example["first"]) == [(D(10), D(1000))]
    assert values(write_off) == [(D(-1), D(-60))]  # what the written-off unit cost
    assert sorted(values(transfer)) == [(D(-2), D(-120)), (D(2), D(120))]
    assert money("-60") in client.get(detail_url(write_off)).content.decode()


def test_the_order_query_count_does_not_grow_with_its_lines(client, admin, wh):
    use(CostingMethod.FIFO)
    products = ProductFactory.create_batch(30)
    receive(admin, wh, [(p, 10, 100) for p in products])
    one = sell(admin, wh, [(products[0], 1, 150)])
    thirty = sell(admin, wh, [(p, 1, 150) for p in products])
    client.force_login(admin)
    client.get(detail_url(one))  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries_one:
        assert len(client.get(detail_url(one)).context["lines"]) == 1
    with CaptureQueriesContext(connection) as queries_thirty:
        response = client.get(detail_url(thirty))
        assert len(response.context["lines"]) == 30
    assert response.context["profit"].cogs == D(3000)
    assert len(queries_one) == len(queries_thirty)


# --- the product page -----------------------------------------------------------------------


def test_the_product_page_shows_unit_cost_value_and_layers(client, admin, wh, kopi, example):
    client.force_login(admin)
    response = client.get(product_url(kopi))
    (balance,) = [w for w in response.context["balances"] if w.pk == wh.pk]
    assert (balance.on_hand, balance.value, balance.unit_cost) == (D(5), D(300), D(60))
    (layer,) = response.context["layers"]
    assert (layer.document, layer.remaining, layer.remaining_value, layer.unit_cost) == (
        example["second"],
        D(5),
        D(300),
        D(60),
    )
    html = response.content.decode()
    assert "Cost layers" in html and "Unit cost" in html and "FIFO (first in, first out)" in html
    assert detail_url(example["second"]) in html and money("300") in html and money("60") in html


def test_layers_are_listed_oldest_first_per_warehouse(client, admin, wh, kopi):
    use(CostingMethod.FIFO)
    other = WarehouseFactory(name="Gudang Bandung", code="BDG")
    first = receive(admin, wh, [(kopi, 10, 100)])
    elsewhere = receive(admin, other, [(kopi, 1, 70)])
    second = receive(admin, wh, [(kopi, 10, 60)])
    client.force_login(admin)
    layers = client.get(product_url(kopi)).context["layers"]
    assert [layer.document for layer in layers] == [elsewhere, first, second]  # Bandung, then Jakarta


def test_the_average_method_shows_the_pool(client, admin, wh, kopi):
    use(CostingMethod.AVERAGE)
    receive(admin, wh, [(kopi, 10, 100)])
    receive(admin, wh, [(kopi, 10, 60)])
    sell(admin, wh, [(kopi, 15, 150)])
    client.force_login(admin)
    response = client.get(product_url(kopi))
    (pool,) = response.context["layers"]
    assert (pool.remaining, pool.remaining_value, pool.unit_cost) == (D(5), D(400), D(80))
    assert "moving average" in response.content.decode()


def test_a_balance_without_stock_has_no_unit_cost(client, admin, wh, kopi):
    use(CostingMethod.FIFO)
    receive(admin, wh, [(kopi, 2, 100)])
    sell(admin, wh, [(kopi, 2, 150)])
    client.force_login(admin)
    response = client.get(product_url(kopi))
    (balance,) = [w for w in response.context["balances"] if w.pk == wh.pk]
    assert (balance.on_hand, balance.value, balance.unit_cost) == (D(0), D(0), None)
    assert response.context["layers"] == []
    assert "No open cost layers" in response.content.decode()


def test_the_product_page_query_count_does_not_grow_with_layers(client, admin, wh, kopi):
    use(CostingMethod.FIFO)
    receive(admin, wh, [(kopi, 1, 100)])
    client.force_login(admin)
    client.get(product_url(kopi))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(product_url(kopi)).context["layers"]) == 1
    for price in range(29):
        receive(admin, wh, [(kopi, 1, 100 + price)])
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(product_url(kopi)).context["layers"]) == 30
    assert len(one) == len(thirty)


# --- the stock page -------------------------------------------------------------------------


def test_the_stock_page_shows_values_and_their_total(client, admin, wh, kopi, example, monkeypatch):
    other = WarehouseFactory(name="Gudang Bandung", code="BDG")
    teh = ProductFactory(sku="TEH-01")
    receive(admin, other, [(teh, 4, 25)])
    client.force_login(admin)
    monkeypatch.setattr(stock_views, "PAGE_SIZE", 1)  # the total is of every page, not of one
    response = client.get(STOCK)
    (row,) = response.context["rows"]
    assert (row.product, row.value, row.unit_cost) == (kopi, D(300), D(60))
    assert response.context["total_value"] == D(400)
    html = response.content.decode()
    assert "Unit cost" in html and "Total value" in html and money("400") in html
    assert client.get(STOCK, {"warehouse": other.pk}).context["total_value"] == D(100)
    assert client.get(STOCK, {"q": "KOPI"}).context["total_value"] == D(300)


def test_below_minimum_rows_have_values_too(client, admin, wh, kopi, example):
    MinimumStock.objects.create(product=kopi, warehouse=wh, quantity=20)
    client.force_login(admin)
    response = client.get(STOCK, {"below_minimum": "on"})
    (row,) = response.context["rows"]
    assert (row.value, row.unit_cost) == (D(300), D(60))
    assert response.context["total_value"] == D(300)


def test_the_stock_page_query_count_does_not_grow_with_rows(client, admin, wh):
    use(CostingMethod.FIFO)
    products = ProductFactory.create_batch(30)
    receive(admin, wh, [(products[0], 1, 100)])
    client.force_login(admin)
    client.get(STOCK)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(STOCK).context["rows"]) == 1
    receive(admin, wh, [(p, 1, 100) for p in products[1:]])
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(STOCK)
        assert len(response.context["rows"]) == 30
    assert response.context["total_value"] == D(3000)
    assert len(one) == len(thirty)


# --- hidden without the right, scoped to the user's warehouses --------------------------------


def test_without_the_right_every_figure_is_absent(no_costs_client, kopi, example):
    order = no_costs_client.get(detail_url(example["order"]))
    assert order.status_code == 200 and order.context["profit"] is None
    html = order.content.decode()
    assert money("2,250") in html  # the selling prices stay
    for text in ("COGS", "Gross profit", "Margin", "Markup", money("1,300"), money("950"), "42.2", "73.1"):
        assert text not in html, text
    receipt = no_costs_client.get(detail_url(example["first"])).content.decode()
    assert money("1,000") not in receipt and ">Value<" not in receipt
    product = no_costs_client.get(product_url(kopi))
    assert product.status_code == 200 and product.context["layers"] == []
    html = product.content.decode()
    for text in ("Cost layers", "Unit cost", ">Value<", money("300"), money("60")):
        assert text not in html, text
    stock = no_costs_client.get(STOCK)
    assert stock.status_code == 200 and stock.context["total_value"] is None
    html = stock.content.decode()
    for text in ("Unit cost", "Total value", money("300"), money("60")):
        assert text not in html, text


def test_a_user_of_one_warehouse_sees_no_layers_or_values_of_another(client, admin, wh, kopi, example):
    other = WarehouseFactory(name="Gudang Bandung", code="BDG")
    elsewhere = receive(admin, other, [(kopi, 7, 11)])
    user = UserFactory(username="jakarta-clerk")
    user.groups.add(clerk_role("Clerk, Jakarta", warehouses=[wh]))
    client.force_login(user)
    product = client.get(product_url(kopi))
    assert [layer.warehouse for layer in product.context["layers"]] == [wh]
    assert [w.pk for w in product.context["balances"]] == [wh.pk]
    html = product.content.decode()
    assert "Gudang Bandung" not in html and detail_url(elsewhere) not in html and money("77") not in html
    stock = client.get(STOCK)
    assert stock.context["total_value"] == D(300)  # not 377
    assert client.get(STOCK, {"warehouse": other.pk}).context["total_value"] == D(300)  # not a choice


# --- in Indonesian ------------------------------------------------------------------------


def test_percentages_read_in_the_users_language():
    assert format_percent(D("42.2222")) == "42.2%"
    assert format_percent(D("73.0769")) == "73.1%"
    assert format_percent(D("-0.04")) == "0.0%"
    assert format_percent(D("1234.56")) == "1,234.6%"
    with translation.override("id"):
        assert format_percent(D("42.2222")) == "42,2%"


def test_an_indonesian_page_writes_the_figures_its_way(client, admin, example):
    set_language(admin, "id")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    client.force_login(admin)
    html = client.get(detail_url(example["order"])).content.decode()
    for text in (f"Rp{NBSP}1.300", f"Rp{NBSP}2.250", f"Rp{NBSP}950", "42,2%", "73,1%"):
        assert text in html, text
