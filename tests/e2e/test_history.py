"""The change history in the browser: one user changes a product's selling price, the
administrator opens the product's History tab and sees who changed it, old → new."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.formatting import format_amount
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_a_price_change_shows_in_the_history_tab(page, browser, login, live_url, transactional_db):
    editor = UserFactory(
        username="e2e-sari", first_name="Sari", last_name="Dewi", password=E2E_PASSWORD, roles=[ADMINISTRATOR]
    )
    admin = UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])
    product = ProductFactory(name="Kopi Toraja 250 g", selling_price=Decimal("45000"))

    editing = browser.new_context(base_url=live_url)
    editor_page = editing.new_page()
    login(editor_page, editor.username, E2E_PASSWORD)
    editor_page.goto(f"{live_url}/inventory/products/{product.pk}/edit/")
    editor_page.get_by_label("Selling price").fill("52000")
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Save").click()
    expect(editor_page.get_by_role("heading", name="Kopi Toraja 250 g")).to_be_visible()
    editing.close()

    login(page, admin.username, E2E_PASSWORD)
    page.goto(f"{live_url}/inventory/products/{product.pk}/")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History: Kopi Toraja 250 g")).to_be_visible()
    latest = page.locator("#history tbody tr").first
    expect(latest).to_contain_text("Sari Dewi")
    expect(latest).to_contain_text("Changed")
    change = latest.locator(".history-change", has_text="Selling price")
    expect(change.locator(".history-old")).to_have_text(format_amount(Decimal("45000")))
    expect(change.locator(".history-new")).to_have_text(format_amount(Decimal("52000")))
