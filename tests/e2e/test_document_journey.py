"""A clerk's journey: a receipt built by product search and by scanner, processed; the stock
page shows it; a sales order larger than the stock is refused with a message naming the
product, the warehouse, the quantity asked and the quantity available."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def catalog(transactional_db):
    warehouse = WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    teh = ProductFactory(sku="TEH-01", name="Teh Melati 100 g")
    BarcodeFactory(product=teh, code="8991000000028")
    supplier = CompanyFactory(name="PT Sumber Makmur", is_supplier=True, is_client=False)
    client = CompanyFactory(name="Toko Sejahtera", is_supplier=False, is_client=True)
    return {"warehouse": warehouse, "kopi": kopi, "teh": teh, "supplier": supplier, "client": client}


def test_receipt_by_search_and_scan_then_a_sales_order_too_large(page, login, live_url, e2e_user, catalog):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, e2e_user.username, e2e_user.raw_password)

    # --- a stock receipt with two lines ---
    page.goto(live_url + "/inventory/documents/receipt/new/")
    page.get_by_label("Supplier").select_option(label="PT Sumber Makmur")
    expect(page.get_by_label("Target warehouse")).to_have_value(str(catalog["warehouse"].pk))

    page.get_by_label("Find a product").fill("toraja")
    suggestion = page.locator(".product-suggestion", has_text="Kopi Toraja")
    suggestion.click()
    kopi_row = page.locator("tr.line-row", has=page.locator("input[value='KOPI-01']"))
    expect(kopi_row).to_have_count(1)
    kopi_row.locator(".line-quantity").fill("12")

    scan = page.get_by_label("Scan a barcode")
    scan.fill("8991000000028")
    scan.press("Enter")  # a scanner's Enter: adds the line, does not submit the form
    teh_row = page.locator("tr.line-row", has=page.locator("input[value='TEH-01']"))
    expect(teh_row).to_have_count(1)
    expect(teh_row.locator(".line-quantity")).to_have_value("1")
    scan.fill("8991000000028")
    scan.press("Enter")  # the same product again: one more on the same line
    expect(teh_row.locator(".line-quantity")).to_have_value("2")
    expect(page).to_have_url(re.compile(r"/receipt/new/$"))

    page.locator("#document-form").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("RC-000001 saved.")
    page.locator("main").get_by_role("button", name="Process").click()
    expect(page.get_by_role("alert").first).to_contain_text("RC-000001 processed.")
    expect(page.locator("h1")).to_contain_text("Processed")

    # --- the stock page shows both balances ---
    page.get_by_role("link", name="Stock", exact=True).click()
    table = page.locator("#stock-table")
    kopi = table.locator("tr", has_text="KOPI-01")
    teh = table.locator("tr", has_text="TEH-01")
    expect(kopi.locator("td").nth(3)).to_contain_text("12")
    expect(kopi).to_contain_text("Gudang Jakarta")
    expect(teh.locator("td").nth(3)).to_contain_text("2")

    # --- a sales order larger than the stock ---
    page.goto(live_url + "/inventory/documents/sales_order/new/")
    page.get_by_label("Client").select_option(label="Toko Sejahtera")
    page.locator("input[name='lines-0-product']").fill("KOPI-01")
    page.locator("input[name='lines-0-quantity']").fill("20")
    page.locator("input[name='lines-0-price']").fill("30000")
    page.get_by_role("button", name="Save and process").click()
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("Kopi Toraja 250 g")
    expect(alert).to_contain_text("Gudang Jakarta")
    expect(alert).to_contain_text("asked 20")
    expect(alert).to_contain_text("available 12")
    expect(page.locator("h1")).to_contain_text("Draft")


def test_add_line_clicked_quickly_adds_a_row_per_click(page, login, live_url, e2e_user, catalog):
    """Clicks on "Add line" while the previous row is still on its way each add a row (htmx
    would otherwise drop a request made while one from the same button is in flight)."""
    login(page, e2e_user.username, e2e_user.raw_password)

    def slow(route):
        page.wait_for_timeout(400)
        route.continue_()

    page.route(re.compile(r"/line/"), slow)
    page.goto(live_url + "/inventory/documents/receipt/new/")
    rows = page.locator("tr.line-row")
    before = rows.count()
    for _ in range(3):
        page.locator("#add-line").click()
    expect(rows).to_have_count(before + 3)
    prefixes = rows.evaluate_all("els => els.map(e => e.dataset.prefix)")
    assert len(set(prefixes)) == before + 3  # each row its own form index
