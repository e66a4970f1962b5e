"""A clerk ships a won deal's sales order: picked → shipped with carrier and tracking number →
delivered; then part of it comes back with a return; the deal page (for store staff) shows
where the order is. The pages fit a phone's width too."""

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR, STAFF
from crm.services.deals import deal_sales_orders, win_deal
from tests.crm.deal_helpers import deal_with_row
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import on_hand, stock_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def won_deal(transactional_db):
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    warehouse = WarehouseFactory(name="Gudang Surabaya", code="SBY", is_default=True)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    stock_in(by=admin, warehouse=warehouse, product=kopi, quantity=20)
    client = CompanyFactory(name="Toko Sejahtera", is_client=True)
    deal, _row = deal_with_row(
        by=admin, product=kopi, quantity=5, warehouse=warehouse, title="Kopi untuk Toko Sejahtera", company=client
    )
    win_deal(deal, by=admin)
    order = deal_sales_orders(deal).get()
    staff = UserFactory(username="toko-staff", password=E2E_PASSWORD, roles=[STAFF])
    return {"deal": deal, "order": order, "warehouse": warehouse, "kopi": kopi, "staff": staff}


def fits_the_width(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


def update(page, status: str, **fields) -> None:
    form = page.locator("#delivery-form")
    form.get_by_label(status, exact=True).check()
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Update delivery status").click()


def test_a_clerk_ships_delivers_and_takes_back_an_order(page, login, live_url, e2e_user, won_deal):
    order, deal = won_deal["order"], won_deal["deal"]
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, e2e_user.username, e2e_user.raw_password)
    order_url = f"{live_url}/inventory/documents/sales_order/{order.pk}/"

    page.goto(order_url)
    delivery = page.locator("#delivery")
    expect(delivery.locator(".delivery-badge")).to_have_text("To pick")
    expect(page.locator("#create-return")).to_have_count(0)  # nothing has left yet

    update(page, "Picked")
    expect(page.get_by_role("alert").first).to_contain_text(f"{order.number} is now “Picked”.")
    update(page, "Shipped", Carrier="JNE", **{"Tracking number": "JN0012345678"})
    expect(page.get_by_role("alert").first).to_contain_text("“Shipped”")
    expect(delivery).to_contain_text("JN0012345678")
    # the order cannot be cancelled any more: its goods have left
    expect(page.locator("main").get_by_role("button", name="Cancel processing")).to_have_count(0)

    page.set_viewport_size(PHONE)
    fits_the_width(page)
    page.set_viewport_size({"width": 1400, "height": 900})

    update(page, "Delivered", **{"Received by": "Ibu Sari"})
    expect(delivery.locator(".delivery-badge")).to_have_text("Delivered")
    history = page.locator("#delivery-history tbody tr")
    expect(history).to_have_count(3)
    expect(history.nth(2)).to_contain_text("Shipped → Delivered")
    expect(history.nth(2)).to_contain_text("Ibu Sari")
    expect(history.nth(1)).to_contain_text("JNE · JN0012345678")

    # --- two of the five come back ---
    page.locator("#create-return").click()
    expect(page.get_by_label("Sales order")).to_have_value(order.number)
    row = page.locator("tr.line-row", has=page.locator("input[value='KOPI-01']"))
    expect(row.locator(".line-quantity")).to_have_value("5")
    row.locator(".line-quantity").fill("2")
    page.set_viewport_size(PHONE)
    fits_the_width(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.get_by_role("button", name="Save and process").click()
    expect(page.get_by_role("alert").last).to_contain_text("RT-000001 processed.")
    expect(page.locator("main")).to_contain_text(order.number)
    assert on_hand(won_deal["warehouse"], won_deal["kopi"]) == 17  # 20 − 5 + 2

    page.goto(order_url)
    expect(delivery.locator(".delivery-badge")).to_have_text("Returned")
    expect(page.locator("#order-returns")).to_contain_text("RT-000001")
    expect(page.locator("#delivery-history tbody tr").last).to_contain_text("Delivered → Returned")

    # --- the deal page, as the store staff see it ---
    page.context.clear_cookies()
    login(page, won_deal["staff"].username, E2E_PASSWORD)
    page.goto(f"{live_url}/crm/deals/{deal.pk}/")
    orders = page.locator("#sales-orders")
    expect(orders).to_contain_text(order.number)
    expect(orders.locator(".delivery-returned")).to_have_text("Returned")
    page.set_viewport_size(PHONE)
    fits_the_width(page)
