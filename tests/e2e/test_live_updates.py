"""Pages that update themselves (static/js/live.js), two browsers as two users: a receipt
processed by one shows on the other's stock page within 2 s, without a reload and with the
changed row highlighted; a clerk limited to one warehouse gets nothing about another."""

import time

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import DocumentType
from tests.e2e.conftest import E2E_PASSWORD, VIEWPORT
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db, e2e_user):
    admin = UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])
    alpha = WarehouseFactory(name="Gudang Alpha", is_default=True)
    bravo = WarehouseFactory(name="Gudang Bravo")
    product = ProductFactory(name="Kopi Toraja 250 g")
    stock_in(by=admin, warehouse=alpha, product=product, quantity=10)
    stock_in(by=admin, warehouse=bravo, product=product, quantity=4)
    alpha_clerk = UserFactory(username="e2e-alpha", password=E2E_PASSWORD)
    alpha_clerk.groups.add(limited_role("Clerk, Alpha", [alpha]))
    receipts = {
        name: make_document(DocumentType.RECEIPT, by=admin, warehouse=warehouse, lines=[(product, 7, 15000)])
        for name, warehouse in (("alpha", alpha), ("bravo", bravo))
    }
    return {"alpha": alpha, "bravo": bravo, "product": product, "receipts": receipts, "alpha_clerk": alpha_clerk}


@pytest.fixture
def second_page(browser, live_url):
    """A second browser context: another user's own cookies."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", base_url=live_url)
    yield context.new_page()
    context.close()


def stock_row(page, warehouse, product):
    return page.locator(f'#stock-table tr[data-live-key="{warehouse.pk}-{product.pk}"]')


def process(page, live_url, receipt) -> float:
    """Process `receipt` through its page's button; the time the answer came."""
    page.goto(f"{live_url}/inventory/documents/receipt/{receipt.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Process").click()
    expect(page.locator("[data-live-key='status']")).to_have_text("Processed")
    return time.monotonic()


def test_a_receipt_processed_by_one_user_updates_the_other_users_stock_page(
    page, second_page, login, live_url, e2e_user, world
):
    alpha, product = world["alpha"], world["product"]
    watcher = second_page
    login(watcher, "e2e-admin", E2E_PASSWORD)
    watcher.goto(live_url + "/inventory/stock/")
    row = stock_row(watcher, alpha, product)
    expect(row.locator("td.num").first).to_have_text("10 pcs")
    watcher.evaluate("window.notReloaded = true")
    expect(watcher.locator("#stock-total-value")).to_contain_text("0")

    login(page, e2e_user.username, e2e_user.raw_password)
    done = process(page, live_url, world["receipts"]["alpha"])

    expect(row.locator("td.num").first).to_have_text("17 pcs", timeout=2000)
    seen = time.monotonic() - done
    expect(stock_row(watcher, alpha, product)).to_have_class("live-changed")
    assert watcher.evaluate("window.notReloaded") is True  # updated in place, no reload
    expect(stock_row(watcher, world["bravo"], product)).not_to_have_class("live-changed")
    # The administrator sees values; the value went up with the receipt's 7 × 15,000.
    expect(watcher.locator("#stock-total-value")).to_contain_text("105")
    expect(stock_row(watcher, alpha, product)).not_to_have_class("live-changed", timeout=4000)  # for 2 s only
    print(f"stock page updated {seen:.2f} s after the receipt was processed")


def test_a_clerk_of_one_warehouse_receives_nothing_about_another(page, second_page, login, live_url, world):
    alpha, product = world["alpha"], world["product"]
    clerk = second_page
    login(clerk, "e2e-alpha", E2E_PASSWORD)
    stock_url = live_url + "/inventory/stock/"
    clerk.goto(stock_url)
    expect(stock_row(clerk, alpha, product)).to_be_visible()
    expect(clerk.locator("#stock-table")).not_to_contain_text("Gudang Bravo")

    answers: list[str] = []
    fetched_pages: list[str] = []
    clerk.on("response", lambda r: answers.append(r.text()) if r.url.endswith("/inventory/stock/live/") else None)
    clerk.on("request", lambda r: fetched_pages.append(r.url) if r.url == stock_url else None)

    login(page, "e2e-admin", E2E_PASSWORD)
    process(page, live_url, world["receipts"]["bravo"])
    clerk.wait_for_timeout(2500)
    assert len(answers) >= 2, "the page kept asking"
    assert len(set(answers)) == 1, "Gudang Bravo's receipt changed the clerk's version"
    assert fetched_pages == [], "the clerk's page was fetched again for another warehouse's receipt"
    expect(clerk.locator("#stock-table")).not_to_contain_text("Gudang Bravo")

    # Their own warehouse's receipt does reach them.
    process(page, live_url, world["receipts"]["alpha"])
    expect(stock_row(clerk, alpha, product).locator("td.num").first).to_have_text("17 pcs", timeout=2000)
    assert fetched_pages == [stock_url]
    expect(clerk.locator("#stock-table")).not_to_contain_text("Gudang Bravo")
