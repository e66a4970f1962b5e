"""A warehouse's responsible clerk processes a sale that takes a product below its minimum:
the bell in the top bar counts one, the notifications page shows it, marking it read clears
the count. Screenshots of the pages go to test-artifacts/notifications/."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import DocumentType
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.notifications.helpers import set_minimum
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def shots(request) -> Path:
    folder = Path(request.config.rootpath) / "test-artifacts" / "notifications"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_sale_below_the_minimum_rings_the_responsible_clerks_bell(page, login, live_url, e2e_user, shots):
    admin = UserFactory(username="e2e-admin", roles=[ADMINISTRATOR])
    warehouse = WarehouseFactory(name="Gudang Jakarta", code="JKT", responsible=e2e_user)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    stock_in(by=admin, warehouse=warehouse, product=kopi, quantity=12)
    set_minimum(warehouse, kopi, 10)
    sale = make_document(DocumentType.SALES_ORDER, by=admin, warehouse=warehouse, lines=[(kopi, 5, 45000)])

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, e2e_user.username, e2e_user.raw_password)
    expect(page.locator("#notification-bell")).to_be_visible()
    expect(page.locator("#notification-count")).to_have_count(0)

    # --- the clerk processes the sale: 7 left, below the minimum of 10 ---
    page.goto(live_url + reverse("inventory:document_detail", args=[sale.doc_type, sale.pk]))
    page.get_by_role("button", name="Process", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("processed")
    expect(page.locator("#notification-count")).to_have_text("1")
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications: 1 unread")
    page.screenshot(path=str(shots / "bell.png"))

    # --- the bell leads to the list ---
    page.locator("#notification-bell").click()
    expect(page.locator("h1")).to_have_text("Notifications")
    item = page.locator("#notifications li.notification-unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Kopi Toraja 250 g")
    expect(item).to_contain_text("is below its minimum in Gudang Jakarta")
    expect(item).to_contain_text("7 pcs available, minimum 10 pcs")
    page.screenshot(path=str(shots / "list.png"), full_page=True)

    # --- marked read: the count is gone ---
    item.get_by_role("button", name="Mark as read").click()
    expect(page.locator("#notifications li.notification-unread")).to_have_count(0)
    expect(page.locator("#notifications li")).to_have_count(1)
    expect(page.locator("#notification-count")).to_have_count(0)
    page.screenshot(path=str(shots / "list-read.png"), full_page=True)

    # --- the product's page: Notify me, for the product and its category ---
    page.goto(live_url + reverse("inventory:product_detail", args=[kopi.pk]))
    page.get_by_role("button", name="Notify me", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("You will be notified when “Kopi Toraja 250 g” runs low.")
    expect(page.get_by_role("button", name="Notifying me", exact=True)).to_be_visible()
    page.screenshot(path=str(shots / "product.png"), full_page=True)

    page.goto(live_url + reverse("my_account"))
    expect(page.locator("#subscription-list")).to_contain_text("Kopi Toraja 250 g")
    page.screenshot(path=str(shots / "my-account.png"), full_page=True)

    # --- on a phone the bell stays in the top bar ---
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_url + reverse("notifications:list"))
    expect(page.locator("#notification-bell")).to_be_visible()
    navbar_height = page.evaluate("() => document.querySelector('nav.navbar').getBoundingClientRect().height")
    assert navbar_height < 70, navbar_height  # one line, not two
    page.screenshot(path=str(shots / "phone.png"), full_page=True)
