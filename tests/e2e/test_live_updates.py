"""Pages that update themselves (static/js/live.js), two browsers as two users: a receipt
processed by one shows on the other's stock page and product page within 2 s, without a reload
and with the changed row highlighted; so do a delivery status change on the order's page and a
reservation on the deal's page; a clerk limited to one warehouse gets nothing about another.

With LIVE_SHOTS=<folder>, the stock, document and deal tests save screenshots there (desktop
1280 wide and phone 390 × 844) right after the change, the highlight showing."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR, STAFF
from inventory.models import DocumentType
from inventory.services.documents import process_document
from tests.crm.deal_helpers import deal_with_row
from tests.e2e.conftest import E2E_PASSWORD, TIMEOUT_MS, VIEWPORT
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
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
    return {
        "admin": admin,
        "alpha": alpha,
        "bravo": bravo,
        "product": product,
        "receipts": receipts,
        "alpha_clerk": alpha_clerk,
    }


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("LIVE_SHOTS", "")


@pytest.fixture
def open_page(browser, live_url):
    """`open_page(viewport)`: a page in a browser context of its own (another user's cookies),
    with the steady tint of reduced motion, so that a screenshot shows the highlight."""
    contexts = []

    def new(viewport=VIEWPORT):
        context = browser.new_context(viewport=viewport, locale="en-US", base_url=live_url, reduced_motion="reduce")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def second_page(open_page):
    return open_page()


def shoot(page, name: str, changed) -> None:
    """Save a screenshot of `page`, scrolled to the `changed` element, as LIVE_SHOTS/name.png,
    when LIVE_SHOTS is set."""
    if SHOTS:
        changed.scroll_into_view_if_needed()
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def watchers(open_page, login, username: str, url: str) -> dict:
    """The same page open as `username` on a desktop and on a phone, not reloaded since."""
    pages = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(viewport)
        login(page, username, E2E_PASSWORD)
        page.goto(url)
        page.evaluate("window.notReloaded = true")
        pages[name] = page
    return pages


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


def test_the_stock_page_on_a_desktop_and_a_phone(page, open_page, login, live_url, e2e_user, world):
    alpha, product = world["alpha"], world["product"]
    pages = watchers(open_page, login, "e2e-admin", live_url + "/inventory/stock/")
    login(page, e2e_user.username, e2e_user.raw_password)
    process(page, live_url, world["receipts"]["alpha"])
    for name, watcher in pages.items():
        row = stock_row(watcher, alpha, product)
        expect(row).to_have_class("live-changed", timeout=2000)
        expect(row.locator("td.num").first).to_have_text("17 pcs")
        shoot(watcher, f"stock-{name}", row)
        assert watcher.evaluate("window.notReloaded") is True


def test_the_product_page_updates_when_another_user_receives_it(page, second_page, login, live_url, e2e_user, world):
    alpha, product = world["alpha"], world["product"]
    watcher = second_page
    login(watcher, "e2e-admin", E2E_PASSWORD)
    watcher.goto(f"{live_url}/inventory/products/{product.pk}/")
    watcher.evaluate("window.notReloaded = true")
    balance = watcher.locator(f'#balances tr[data-live-key="balance-{alpha.pk}"]')
    expect(balance.locator("td.num").first).to_have_text("10")

    login(page, e2e_user.username, e2e_user.raw_password)
    done = process(page, live_url, world["receipts"]["alpha"])

    expect(balance.locator("td.num").first).to_have_text("17", timeout=2000)
    seen = time.monotonic() - done
    expect(balance).to_have_class("live-changed")
    expect(watcher.locator(f'#balances tr[data-live-key="balance-{world["bravo"].pk}"]')).not_to_have_class(
        "live-changed"
    )
    # The receipt's price became the product's purchase price, which the administrator sees.
    expect(watcher.locator('#product-card [data-live-key="purchase-price"]')).to_contain_text("15,000")
    assert watcher.evaluate("window.notReloaded") is True
    print(f"product page updated {seen:.2f} s after the receipt was processed")


def test_a_document_page_updates_when_another_user_changes_its_delivery(
    page, open_page, login, live_url, e2e_user, world
):
    admin, alpha, product = world["admin"], world["alpha"], world["product"]
    order = process_document(
        make_document(
            DocumentType.SALES_ORDER,
            by=admin,
            warehouse=alpha,
            client=CompanyFactory(name="Toko Sejahtera", is_client=True),
            lines=[(product, 2, 25000)],
        ),
        by=admin,
    )
    url = f"{live_url}/inventory/documents/sales_order/{order.pk}/"
    pages = watchers(open_page, login, "e2e-admin", url)
    for watcher in pages.values():
        expect(watcher.locator(".delivery-badge")).to_have_text("To pick")

    login(page, e2e_user.username, e2e_user.raw_password)
    page.goto(url)
    form = page.locator("#delivery-form")
    form.get_by_label("Picked", exact=True).check()
    form.get_by_role("button", name="Update delivery status").click()
    expect(page.get_by_role("alert").first).to_contain_text("“Picked”")
    done = time.monotonic()

    for name, watcher in pages.items():  # the highlight first: it lasts 2 s
        badge = watcher.locator(".delivery-badge")
        expect(badge).to_have_text("Picked", timeout=2000)
        expect(badge).to_have_class("badge delivery-badge delivery-picked live-changed")
        step = watcher.locator("#delivery-history tbody tr").last
        expect(step).to_have_class("delivery-event live-changed")
        shoot(watcher, f"document-{name}", step)
    for watcher in pages.values():
        steps = watcher.locator("#delivery-history tbody tr")
        expect(steps).to_have_count(1)
        expect(steps.last).to_contain_text("To pick → Picked")
        # The form offers the next steps: shipping needs the carrier now.
        expect(watcher.locator("#delivery-form").get_by_label("Carrier", exact=True)).to_be_visible()
        assert watcher.evaluate("window.notReloaded") is True
    print(f"document page updated {time.monotonic() - done:.2f} s after the delivery status changed (both)")


def test_the_deal_page_updates_when_another_user_reserves_and_releases(page, open_page, login, live_url, world):
    admin, alpha, product = world["admin"], world["alpha"], world["product"]
    deal, row = deal_with_row(by=admin, product=product, quantity=3, warehouse=alpha, title="Kopi untuk Toko")
    UserFactory(username="e2e-staff", password=E2E_PASSWORD, roles=[STAFF])
    url = f"{live_url}/crm/deals/{deal.pk}/"
    pages = watchers(open_page, login, "e2e-staff", url)
    for watcher in pages.values():  # adding the row reserved it
        expect(watcher.locator(f'tr[data-row="{row.pk}"] .row-reserved')).to_have_text("3")

    login(page, "e2e-admin", E2E_PASSWORD)
    page.goto(url)
    with page.expect_navigation():
        page.locator(f'tr[data-row="{row.pk}"] .row-actions').get_by_role("button", name="Release").click()
    done = time.monotonic()

    for name, watcher in pages.items():
        shown = watcher.locator(f'tr[data-row="{row.pk}"]')
        expect(shown.locator(".row-reserved")).to_have_text("0", timeout=2000)
        expect(shown).to_have_class("deal-row live-changed")
        shoot(watcher, f"deal-{name}", shown.locator(".row-reserved"))
    print(f"deal page updated {time.monotonic() - done:.2f} s after the release (both)")
    for watcher in pages.values():
        expect(watcher.locator(f'tr[data-row="{row.pk}"] .row-available')).to_have_text("10")

    with page.expect_navigation():
        page.locator(f'tr[data-row="{row.pk}"] .row-actions').get_by_role("button", name="Reserve").click()
    for watcher in pages.values():
        shown = watcher.locator(f'tr[data-row="{row.pk}"]')
        expect(shown.locator(".row-reserved")).to_have_text("3", timeout=2000)
        expect(shown.locator(".row-available")).to_have_text("7")
        assert watcher.evaluate("window.notReloaded") is True


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
