"""Store staff's journey: a deal for a client company, a product row that reserves stock at
once (the default mode), the stock page showing less available, the deal won, and the
processed sales order it produced."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR, STAFF
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop(transactional_db):
    admin = UserFactory(username="e2e-admin", roles=[ADMINISTRATOR])
    warehouse = WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    stock_in(by=admin, warehouse=warehouse, product=kopi, quantity=12)
    CompanyFactory(name="Toko Sejahtera", is_supplier=False, is_client=True)
    staff = UserFactory(username="e2e-staff", first_name="Sari", last_name="Dewi", password=E2E_PASSWORD, roles=[STAFF])
    return {"staff": staff, "warehouse": warehouse, "kopi": kopi}


def test_staff_reserves_in_a_deal_and_wins_it(page, login, live_url, shop):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "e2e-staff", E2E_PASSWORD)

    # --- a new deal for a client company ---
    page.goto(live_url + reverse("crm:deal_create"))
    page.get_by_label("Title").fill("Pesanan Toko Sejahtera")
    page.get_by_label("Company").select_option(label="Toko Sejahtera")
    page.locator("#deal-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Deal “Pesanan Toko Sejahtera” created.")
    expect(page.locator("h1")).to_contain_text("New")

    # --- a product row: reserved at once ---
    form = page.locator("#row-add-form")
    form.get_by_label("Product").fill("KOPI-01")
    form.get_by_label("Quantity").fill("5")
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert").first).to_contain_text("5 pcs reserved in Gudang Jakarta")
    row = page.locator("#deal-rows tr.deal-row", has_text="Kopi Toraja 250 g")
    expect(row.locator(".row-reserved")).to_have_text("5")
    expect(row.locator(".row-available")).to_have_text("7")
    deal_url = page.url

    # --- the stock page: 5 reserved, 7 available ---
    page.goto(live_url + reverse("inventory:stock"))
    stock = page.locator("#stock-table tr", has_text="KOPI-01")
    expect(stock.locator("td").nth(3)).to_contain_text("12")
    expect(stock.locator("td").nth(4)).to_contain_text("5")
    expect(stock.locator("td").nth(5)).to_contain_text("7")

    # --- Won (the confirm dialog is accepted): a processed sales order ---
    page.goto(deal_url)
    page.locator("main").get_by_role("button", name="Won", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("is won")
    expect(page.locator("h1")).to_contain_text("Won")
    page.locator("#sales-orders a").first.click()
    expect(page).to_have_url(re.compile(r"/sales_order/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Processed")
    expect(page.locator("main")).to_contain_text("Kopi Toraja 250 g")
    expect(page.locator("main")).to_contain_text("Toko Sejahtera")
