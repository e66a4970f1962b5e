"""Returns: a shipped sales order's goods come back at the cost they left with, and cancelling
the return takes them out again exactly; more than was shipped is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from inventory.errors import DocumentStateError
from inventory.models import (
    CostLayer,
    DeliveryEvent,
    DeliveryStatus,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    MoveCost,
    StockBalance,
    StockDocument,
)
from inventory.selectors.ledger import broken_cost_links, cost_drift, ledger_drift, sales_day_drift, stock_day_drift
from inventory.services.documents import Header, LineInput, cancel_document, process_document, update_document
from inventory.valuation import to_cent
from tests.api.helpers import lines, token_client
from tests.concurrency import run_together
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, make_return, ship

pytestmark = pytest.mark.django_db

D = Decimal


def text(refused) -> str:
    """A refusal's messages, as they read."""
    return " ".join(refused.value.messages).replace("\xa0", " ")


def use(method: str) -> None:
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": method})


def assert_ledger_consistent():
    """What `manage.py check_ledger` checks."""
    assert ledger_drift() == []
    assert cost_drift() == []
    assert broken_cost_links() == 0
    assert stock_day_drift() == []
    assert sales_day_drift() == []


def balance(warehouse, product) -> tuple[Decimal, Decimal]:
    row = StockBalance.objects.get(warehouse=warehouse, product=product)
    return row.on_hand, row.value


@pytest.fixture
def site():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    clerk = UserFactory(username="clerk", roles=[CLERK])
    warehouse, other = WarehouseFactory(name="Gudang Utama"), WarehouseFactory(name="Gudang Dua")
    coffee, tea = ProductFactory(name="Kopi"), ProductFactory(name="Teh")
    return {"admin": admin, "clerk": clerk, "warehouse": warehouse, "other": other, "coffee": coffee, "tea": tea}


def receive(site, product, quantity, price, warehouse=None):
    receipt = make_document(
        DocumentType.RECEIPT,
        by=site["admin"],
        warehouse=warehouse or site["warehouse"],
        lines=[(product, quantity, price)],
    )
    return process_document(receipt, by=site["admin"])


def shipped_order(site, lines, warehouse=None):
    order = make_document(
        DocumentType.SALES_ORDER,
        by=site["admin"],
        warehouse=warehouse or site["warehouse"],
        client=CompanyFactory(is_client=True),
        lines=lines,
    )
    return ship(process_document(order, by=site["admin"]), by=site["clerk"])


def sold_value(order) -> Decimal:
    """The value that left with the order's movements."""
    return -brought_value(order)


def brought_value(document) -> Decimal:
    """The net value of the document's movements (its current processing's)."""
    return sum(MoveCost.objects.filter(move__document=document).values_list("value", flat=True), D(0))


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_a_full_return_brings_back_the_stock_and_the_value_that_left(site, method):
    use(method)
    coffee, warehouse = site["coffee"], site["warehouse"]
    receive(site, coffee, 5, "10.00")
    receive(site, coffee, 5, "12.00")
    before = balance(warehouse, coffee)
    order = shipped_order(site, [(coffee, 7, 30)])
    left_with = sold_value(order)
    assert left_with == (D("74.00") if method == "fifo" else D("77.00"))
    back = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 7, 30)]), by=site["clerk"])
    assert balance(warehouse, coffee) == before
    assert brought_value(back) == left_with  # at exactly the cost the order's movements took out
    if method == "fifo":
        (layer,) = CostLayer.objects.filter(document=back)
        assert (layer.quantity, layer.value) == (7, left_with)
    assert StockDocument.objects.get(pk=order.pk).delivery_status == DeliveryStatus.RETURNED
    assert_ledger_consistent()


def test_partial_returns_add_up_to_what_left_and_no_more(site):
    use("fifo")
    coffee, tea, warehouse = site["coffee"], site["tea"], site["warehouse"]
    receive(site, coffee, 3, "10.00")
    receive(site, coffee, 4, "10.01")
    receive(site, tea, 10, "5.00")
    before = balance(warehouse, coffee)
    order = shipped_order(site, [(coffee, 7, 30), (tea, 2, 9)])
    first = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 3)]), by=site["clerk"])
    assert (
        brought_value(first) == CostLayer.objects.get(document=first).value == D("30.02")
    )  # 70.04 × 3 ÷ 7, to the cent
    with pytest.raises(ValidationError) as refused:
        make_return(order, by=site["clerk"], lines=[(coffee, 5)])
    assert "only 4 pcs of the 7 pcs shipped" in text(refused)
    second = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 4)]), by=site["clerk"])
    assert brought_value(second) == CostLayer.objects.get(document=second).value == D("40.02")  # what is left of 70.04
    assert balance(warehouse, coffee) == before
    assert balance(warehouse, tea) == (D(8), D("40.00"))  # not returned
    assert_ledger_consistent()
    history = list(DeliveryEvent.objects.filter(document=order).values_list("to_status", "details").order_by("id"))
    assert history[-2:] == [("returned", first.number), ("returned", second.number)]


def test_returning_more_than_was_shipped_is_refused_when_processing_too(site):
    coffee, warehouse = site["coffee"], site["warehouse"]
    receive(site, coffee, 10, "10.00")
    order = shipped_order(site, [(coffee, 4, 30)])
    with pytest.raises(ValidationError) as refused:
        make_return(order, by=site["clerk"], lines=[(coffee, D("4.001"))])
    assert "only 4 pcs of the 4 pcs shipped" in text(refused)
    one, two = (make_return(order, by=site["clerk"], lines=[(coffee, 3)]) for _ in range(2))
    process_document(one, by=site["clerk"])
    before = balance(warehouse, coffee)
    with pytest.raises(ValidationError) as refused:
        process_document(two, by=site["clerk"])
    assert "only 1 pcs of the 4 pcs shipped" in text(refused)
    assert balance(warehouse, coffee) == before
    assert StockDocument.objects.get(pk=two.pk).status == DocumentStatus.DRAFT
    with pytest.raises(ValidationError, match="did not leave with"):
        make_return(order, by=site["clerk"], lines=[(site["tea"], 1)])


def test_only_a_shipped_sales_order_takes_a_return(site):
    coffee = site["coffee"]
    receive(site, coffee, 10, "10.00")
    waiting = process_document(
        make_document(
            DocumentType.SALES_ORDER,
            by=site["admin"],
            warehouse=site["warehouse"],
            client=CompanyFactory(is_client=True),
            lines=[(coffee, 1)],
        ),
        by=site["admin"],
    )
    with pytest.raises(ValidationError, match="only goods that have been shipped come back"):
        make_return(waiting, by=site["clerk"], lines=[(coffee, 1)])
    draft = make_document(DocumentType.SALES_ORDER, by=site["admin"], warehouse=site["warehouse"], lines=[(coffee, 1)])
    with pytest.raises(ValidationError, match="is not processed"):
        make_return(draft, by=site["clerk"], lines=[(coffee, 1)])
    receipt = StockDocument.objects.filter(doc_type=DocumentType.RECEIPT).first()
    with pytest.raises(ValidationError, match="Choose the shipped sales order"):
        make_return(receipt, by=site["clerk"], lines=[(coffee, 1)])


@pytest.mark.parametrize("method", ["fifo", "average"])
def test_cancelling_a_return_reverses_it_exactly_and_puts_the_order_back(site, method):
    use(method)
    coffee, warehouse = site["coffee"], site["warehouse"]
    receive(site, coffee, 5, "10.00")
    receive(site, coffee, 5, "13.00")
    order = shipped_order(site, [(coffee, 6, 30)])
    after_sale = balance(warehouse, coffee)
    back = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 2)]), by=site["clerk"])
    assert balance(warehouse, coffee) != after_sale
    first_value = brought_value(back)
    cancel_document(back, by=site["admin"])
    assert brought_value(back) == 0
    assert balance(warehouse, coffee) == after_sale
    assert StockDocument.objects.get(pk=order.pk).delivery_status == DeliveryStatus.SHIPPED
    steps = list(DeliveryEvent.objects.filter(document=order).values_list("from_status", "to_status").order_by("id"))
    assert steps[-2:] == [("shipped", "returned"), ("returned", "shipped")]
    assert_ledger_consistent()
    # Processed again, it brings the same value back.
    again = process_document(back, by=site["clerk"])
    assert brought_value(again) == first_value == to_cent(sold_value(order) * 2 / 6)
    assert_ledger_consistent()


def test_a_returned_order_is_not_cancelled_and_a_return_whose_stock_left_again_is_not_either(site):
    coffee = site["coffee"]
    receive(site, coffee, 2, "10.00")
    order = shipped_order(site, [(coffee, 2, 30)])
    back = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 2)]), by=site["clerk"])
    with pytest.raises(DocumentStateError, match="Bring them back with a return"):
        cancel_document(order, by=site["admin"])
    shipped_order(site, [(coffee, 2, 30)])  # the returned goods are sold again
    with pytest.raises(Exception, match="(?i)not enough|cannot be cancelled"):
        cancel_document(back, by=site["admin"])
    assert StockDocument.objects.get(pk=back.pk).status == DocumentStatus.PROCESSED


def test_the_return_rights_follow_the_document_type_rights(site):
    coffee = site["coffee"]
    receive(site, coffee, 5, "10.00")
    order = shipped_order(site, [(coffee, 2, 30)])
    staff = UserFactory(username="staff", roles=[STAFF])
    draft = make_return(order, by=staff, lines=[(coffee, 1)])  # staff create returns, as other documents
    with pytest.raises(PermissionDenied):
        process_document(draft, by=staff)
    with pytest.raises(PermissionDenied):
        cancel_document(process_document(draft, by=site["clerk"]), by=site["clerk"])  # the clerk does not cancel
    elsewhere = UserFactory(username="chosen")
    elsewhere.groups.add(limited_role("Clerk, Dua", [site["other"]]))
    with pytest.raises(PermissionDenied):
        make_return(order, by=elsewhere, lines=[(coffee, 1)])


def test_a_return_always_comes_back_to_its_orders_warehouse_and_client(site):
    coffee = site["coffee"]
    receive(site, coffee, 5, "10.00")
    order = shipped_order(site, [(coffee, 2, 30)])
    draft = make_return(order, by=site["admin"], lines=[(coffee, 1)])
    header = Header(warehouse=site["other"], client=CompanyFactory(is_client=True), currency="USD")
    update_document(draft, by=site["admin"], header=header, lines=[LineInput(coffee, D(2), D(30))])
    draft.refresh_from_db()
    assert (draft.warehouse, draft.client, draft.currency, draft.returned_from) == (
        order.warehouse,
        order.client,
        order.currency,
        order,
    )


@pytest.mark.django_db(transaction=True)
def test_two_returns_of_the_last_units_at_once_bring_them_back_once(site):
    coffee, warehouse = site["coffee"], site["warehouse"]
    receive(site, coffee, 5, "10.00")
    order = shipped_order(site, [(coffee, 3, 30)])
    one, two = (make_return(order, by=site["clerk"], lines=[(coffee, 3)]) for _ in range(2))
    results = run_together(
        [lambda: process_document(one, by=site["clerk"]), lambda: process_document(two, by=site["clerk"])]
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), results
    assert balance(warehouse, coffee) == (D(5), D("50.00"))
    assert_ledger_consistent()


# --- sale → return → cancel the return, at random ------------------------------------------------


class TestSaleReturnCancel(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
        cls.warehouse = WarehouseFactory()
        cls.product = ProductFactory()

    @settings(max_examples=25, deadline=None)
    @given(
        method=st.sampled_from(["fifo", "average"]),
        receipts=st.lists(
            st.tuples(st.integers(1, 9), st.decimals(D("0.01"), D(99), places=2)), min_size=1, max_size=3
        ),
        sold_share=st.integers(1, 100),
        returns=st.lists(st.integers(1, 100), min_size=1, max_size=3),
    )
    def test_value_is_conserved(self, method, receipts, sold_share, returns):
        use(method)
        site = {"admin": self.admin, "clerk": self.admin, "warehouse": self.warehouse}
        for quantity, price in receipts:
            receive(site, self.product, quantity, price)
        start = balance(self.warehouse, self.product)
        sold = max(1, start[0] * sold_share // 100)
        order = shipped_order(site, [(self.product, sold, 50)])
        after_sale = balance(self.warehouse, self.product)
        assert after_sale[1] == start[1] - sold_value(order)
        left, made = sold, []
        for share in returns:
            quantity = max(1, sold * share // 100)
            if quantity > left:
                with pytest.raises(ValidationError):
                    make_return(order, by=self.admin, lines=[(self.product, quantity)])
                continue
            made.append(
                process_document(make_return(order, by=self.admin, lines=[(self.product, quantity)]), by=self.admin)
            )
            left -= quantity
        brought = sum((brought_value(r) for r in made), D(0))
        on_hand, value = balance(self.warehouse, self.product)
        assert on_hand == after_sale[0] + (sold - left)
        assert value == after_sale[1] + brought
        if left == 0:
            assert (on_hand, value) == start
        assert_ledger_consistent()
        for back in reversed(made):
            cancel_document(back, by=self.admin)
        assert balance(self.warehouse, self.product) == after_sale
        assert StockDocument.objects.get(pk=order.pk).delivery_status == DeliveryStatus.SHIPPED
        assert_ledger_consistent()


# --- the pages ------------------------------------------------------------------------------------


def test_the_order_page_offers_a_return_and_the_form_comes_filled_with_what_may_come_back(client, site):
    coffee = site["coffee"]
    receive(site, coffee, 5, "10.00")
    order = shipped_order(site, [(coffee, 3, 30)])
    process_document(make_return(order, by=site["clerk"], lines=[(coffee, 1)]), by=site["clerk"])
    client.force_login(site["clerk"])
    page = client.get(reverse("inventory:document_detail", args=["sales_order", order.pk])).content.decode()
    create_url = reverse("inventory:document_create", args=["return"]) + f"?order={order.pk}"
    assert create_url.replace("&", "&amp;") in page
    form = client.get(create_url).content.decode()
    assert f'value="{order.number}"' in form
    assert 'value="2"' in form  # 3 shipped, 1 back already
    response = client.post(
        reverse("inventory:document_create", args=["return"]),
        {
            "order": order.number.lower(),
            "date": "2026-12-03",
            "responsible": site["clerk"].pk,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": coffee.sku,
            "lines-0-quantity": "2",
            "lines-0-price": "30",
            "process": "1",
        },
    )
    assert response.status_code == 302
    assert StockDocument.objects.filter(doc_type="return", status="processed").count() == 2


@pytest.mark.parametrize(
    "order",
    ["SO-999999", "", "x" * 5000, "SO\x00", "RC-000001"],
)
def test_a_return_form_with_a_garbage_order_says_so_and_saves_nothing(client, site, order):
    client.force_login(site["clerk"])
    response = client.post(
        reverse("inventory:document_create", args=["return"]),
        {
            "order": order,
            "date": "2026-12-03",
            "responsible": site["clerk"].pk,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-product": site["coffee"].sku,
            "lines-0-quantity": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["header_form"].errors.get("order")
    assert not StockDocument.objects.filter(doc_type="return").exists()


def test_another_warehouses_order_is_not_found_for_a_return(client, site):
    coffee = site["coffee"]
    receive(site, coffee, 5, "10.00", warehouse=site["other"])
    order = shipped_order(site, [(coffee, 3, 30)], warehouse=site["other"])
    chosen = UserFactory(username="chosen")
    chosen.groups.add(limited_role("Clerk, Utama", [site["warehouse"]]))
    client.force_login(chosen)
    url = reverse("inventory:document_create", args=["return"])
    assert client.get(url, {"order": order.pk}).status_code == 200  # a blank form: the order is not theirs
    assert order.number not in client.get(url, {"order": order.pk}).content.decode()
    assert client.get(url, {"order": "99999999999999999999"}).status_code == 200
    response = client.post(url, {"order": order.number, "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and response.context["header_form"].errors.get("order")


def test_the_api_makes_a_return_of_an_order_and_shows_the_delivery(site):
    coffee = site["coffee"]
    receive(site, coffee, 5, "10.00")
    order = shipped_order(site, [(coffee, 3, 30)])
    api = token_client(site["clerk"])
    url = reverse("api:document-list", args=["return"])
    response = api.post(url, {"returned_from": order.pk, "lines": lines((coffee, 2))}, format="json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["warehouse"], made["returned_from"], made["client"]) == (
        order.warehouse_id,
        order.pk,
        order.client_id,
    )
    process = reverse("api:document-process", args=["return", made["id"]])
    assert api.post(process, {}, format="json").status_code == 200
    shown = api.get(reverse("api:document-detail", args=["sales_order", order.pk])).json()
    assert (shown["delivery_status"], shown["carrier"], shown["tracking_number"]) == ("returned", "JNE", "JN-0001")
    for garbage in (987654321, "x", None):
        response = api.post(url, {"returned_from": garbage, "lines": lines((coffee, 1))}, format="json")
        assert response.status_code == 400, response.content
    response = api.post(url, {"returned_from": order.pk, "lines": lines((coffee, 2))}, format="json")
    assert response.status_code == 400 and "have not come back yet" in response.content.decode()
    assert StockDocument.objects.filter(doc_type="return").count() == 1


def test_the_migration_takes_the_returns_processed_before_it_off_the_daily_sales(site):
    """Migration 0018 on a database whose daily sales hold the orders only (as before it): the
    rows it leaves are those of the rebuild from the ledger."""
    from importlib import import_module

    from django.db import connection

    from inventory.models import SalesDay

    coffee, tea = site["coffee"], site["tea"]
    receive(site, coffee, 5, "10.00")
    receive(site, tea, 5, "4.00")
    order = shipped_order(site, [(coffee, 4, 30), (tea, 3, 9)])
    process_document(make_return(order, by=site["clerk"], lines=[(coffee, 1, 30)]), by=site["clerk"])
    cancelled = process_document(make_return(order, by=site["clerk"], lines=[(tea, 1, 9)]), by=site["clerk"])
    cancel_document(cancelled, by=site["admin"])
    expected = set(SalesDay.objects.values_list("day", "product_id", "quantity", "revenue", "cogs", "unvalued"))
    SalesDay.objects.all().delete()
    backfill = import_module("inventory.migrations.0013_sales_days").BACKFILL
    returns = import_module("inventory.migrations.0018_sales_days_returns").RETURNS
    with connection.cursor() as cursor:
        cursor.execute(backfill)  # the orders' rows, as the table held them
        assert sales_day_drift() != []
        cursor.execute(returns)
    assert set(SalesDay.objects.values_list("day", "product_id", "quantity", "revenue", "cogs", "unvalued")) == expected
    assert sales_day_drift() == []
    assert SalesDay.objects.get(product=coffee).quantity == 3


def test_a_recompute_under_another_method_brings_a_return_back_at_what_its_order_now_took(site):
    """FIFO: 5 @ 10 and 5 @ 12, 7 sold (74), 3 then 4 back; replayed as average the sale takes
    77 and its returns bring back 33 and 44 (the last gets exactly what is left), so the balance
    is worth what it was before the sale; back under FIFO, the posted values again."""
    from inventory.services.recompute import replay_costs

    use("fifo")
    coffee, warehouse = site["coffee"], site["warehouse"]
    receive(site, coffee, 5, "10.00")
    receive(site, coffee, 5, "12.00")
    order = shipped_order(site, [(coffee, 7, 30)])
    first = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 3, 30)]), by=site["clerk"])
    last = process_document(make_return(order, by=site["clerk"], lines=[(coffee, 4, 30)]), by=site["clerk"])
    assert (sold_value(order), brought_value(first), brought_value(last)) == (D("74.00"), D("31.71"), D("42.29"))
    replay_costs("average")
    assert (sold_value(order), brought_value(first), brought_value(last)) == (D("77.00"), D("33.00"), D("44.00"))
    assert balance(warehouse, coffee) == (D(10), D("110.00"))
    assert_ledger_consistent()
    replay_costs("fifo")
    assert (sold_value(order), brought_value(first), brought_value(last)) == (D("74.00"), D("31.71"), D("42.29"))
    assert_ledger_consistent()
