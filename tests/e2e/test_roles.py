"""Roles in the browser: the clerk has no CRM; the administrator takes "process write-off" from
the clerk role in the admin's matrix, and the clerk's Process button for write-offs is gone
and a POST is refused."""

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import DocumentStatus, DocumentType
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def write_off(transactional_db, e2e_user):
    admin = UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR], is_staff=True)
    warehouse = WarehouseFactory(name="Gudang Jakarta", is_default=True)
    product = ProductFactory(name="Kopi Toraja 250 g")
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=10)
    document = make_document(DocumentType.WRITE_OFF, by=e2e_user, warehouse=warehouse, lines=[(product, 2)])
    return {"admin": admin, "document": document}


def test_the_clerk_sees_no_crm_and_gets_the_styled_403(page, login, live_url, e2e_user):
    login(page, e2e_user.username, e2e_user.raw_password)
    sidebar = page.get_by_role("navigation", name="Main menu")
    expect(sidebar.get_by_role("link", name="Stock receipts")).to_be_visible()
    expect(sidebar.get_by_text("CRM")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="Companies")).to_have_count(0)

    response = page.goto(live_url + "/crm/companies/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the start page")).to_be_visible()


def test_administrator_takes_process_write_off_from_the_clerk_role(page, browser, login, live_url, e2e_user, write_off):
    document = write_off["document"]
    detail = f"{live_url}/inventory/documents/write_off/{document.pk}/"

    # The clerk can process write-offs to begin with.
    clerk_context = browser.new_context(base_url=live_url)
    clerk = clerk_context.new_page()
    login(clerk, e2e_user.username, e2e_user.raw_password)
    clerk.goto(detail)
    expect(clerk.get_by_role("button", name="Process")).to_be_visible()

    # The administrator edits the clerk role in the admin's matrix.
    login(page, "e2e-admin", E2E_PASSWORD)
    page.goto(live_url + "/admin/accounts/role/")
    page.get_by_role("link", name="Warehouse clerk", exact=True).click()
    grant = page.locator("select[name='inventory__process_write_off']")
    expect(grant).to_have_value("all")
    grant.select_option("none")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Warehouse clerk")

    # The clerk's Process button is gone, and a POST by hand is refused.
    clerk.goto(detail)
    expect(clerk.get_by_role("heading", name=document.number)).to_be_visible()
    expect(clerk.get_by_role("button", name="Process")).to_have_count(0)
    status, text = clerk.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
            const answer = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token}});
            return [answer.status, await answer.text()];
        }""",
        f"{detail}process/",
    )
    assert status == 403
    assert "Access denied" in text and "CSRF" not in text  # refused for the right, not the token
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    clerk_context.close()
