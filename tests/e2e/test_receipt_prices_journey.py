"""A clerk's receipt by product names: a name with several matches is listed, not guessed; a
clear one is taken with its purchase price; a product never bought comes at zero, and the
receipt warns of it and is processed only with "Process anyway"."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import CompanyFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def catalog(transactional_db):
    WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    CompanyFactory(name="CV Maju Jaya", is_supplier=True, is_client=False)
    ProductFactory(sku="ELK-001", name="Lampu LED 12 W", purchase_price=Decimal("23072.00"))
    ProductFactory(sku="MKN-005", name="Kopi Bubuk Lampung 200 g", purchase_price=Decimal("16800.00"))
    ProductFactory(sku="MKN-009", name="Gula Aren 500 g", purchase_price=Decimal("0"))


def test_receipt_by_names_with_prices_and_the_zero_price_warning(page, login, live_url, e2e_user, catalog):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, e2e_user.username, e2e_user.raw_password)
    page.goto(live_url + "/inventory/documents/receipt/new/")
    page.get_by_label("Supplier").select_option(label="CV Maju Jaya")

    page.get_by_label("Find a product").fill("lampu")
    suggestions = page.locator(".product-suggestion")
    expect(suggestions).to_have_count(2)
    expect(suggestions.first).to_contain_text("Lampu LED 12 W")  # a whole word before "Lampung"
    page.get_by_label("Find a product").fill("")

    scan = page.get_by_label("Scan a barcode")
    scan.fill("lampu")
    scan.press("Enter")
    feedback = page.locator("#scan-feedback")
    expect(feedback).to_contain_text("“lampu” matches several products")
    expect(feedback).to_contain_text("ELK-001 · Lampu LED 12 W; MKN-005 · Kopi Bubuk Lampung 200 g")
    expect(page.locator("tr.line-row[data-product-id]:not([data-product-id=''])")).to_have_count(0)

    scan.fill("lampu led")
    scan.press("Enter")
    lamp = page.locator("tr.line-row", has=page.locator("input[value='ELK-001']"))
    expect(lamp.locator("input[name$='-price']")).to_have_value("23072")

    scan.fill("gula aren")
    scan.press("Enter")
    sugar = page.locator("tr.line-row", has=page.locator("input[value='MKN-009']"))
    expect(sugar.locator("input[name$='-price']")).to_have_value("0")

    page.locator("#document-form").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("RC-000001 saved.")
    warning = page.locator("#zero-price-warning")
    expect(warning).to_contain_text("Gula Aren 500 g")
    expect(warning).not_to_contain_text("Lampu")
    main = page.locator("main")
    expect(main.get_by_role("button", name="Process", exact=True)).to_have_count(0)
    main.get_by_role("button", name="Process anyway").click()
    expect(page.get_by_role("alert").first).to_contain_text("RC-000001 processed.")
    expect(page.locator("h1")).to_contain_text("Processed")
    expect(page.locator("#zero-price-warning")).to_have_count(0)
