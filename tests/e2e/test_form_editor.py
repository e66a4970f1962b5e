"""The form layout editor in the browser: the administrator drags "Comment" to the top of the
receipt form and saves; the arrows move rows without a round trip; the order is stored."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from layouts.builder import load_layout
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

RECEIPT = "document_receipt"


@pytest.fixture
def administrator(transactional_db):
    return UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])


def header_order(page) -> list[str]:
    rows = page.locator("tbody[data-layout-group=''] tr[data-key]")
    return [rows.nth(i).get_attribute("data-key") for i in range(rows.count())]


def test_the_administrator_drags_a_field_and_saves_the_order(page, login, live_url, administrator):
    login(page, "e2e-admin", E2E_PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Form layouts").click()
    page.locator("main").get_by_role("link", name="Stock receipt", exact=True).click()
    expect(page.get_by_role("heading", name="Form layout: Stock receipt")).to_be_visible()
    before = header_order(page)
    assert before[0] == "supplier" and before[-1] == "comment"
    notice = page.locator("[data-unsaved-notice]")
    expect(notice).to_be_hidden()

    comment = page.locator("tr[data-key='comment']")
    supplier = page.locator("tr[data-key='supplier']")
    comment.locator(".drag-handle").drag_to(supplier, target_position={"x": 40, "y": 4})
    assert header_order(page) == ["comment", *before[:-1]]
    expect(notice).to_be_visible()
    # A line column cannot be dropped among the header's fields.
    page.locator("tr[data-key='line_price'] .drag-handle").drag_to(supplier, target_position={"x": 40, "y": 4})
    assert "line_price" not in header_order(page)

    # The arrows move rows in the page, without a round trip; an end's arrow is disabled.
    url = page.url
    expect(comment.get_by_role("button", name="Move up")).to_be_disabled()
    page.locator("tr[data-key='date']").get_by_role("button", name="Move down").click()
    assert page.url == url
    assert header_order(page) == ["comment", "supplier", "warehouse", "currency", "date", "responsible"]

    if os.environ.get("GUDANG_SCREENSHOTS"):
        folder = Path(__file__).resolve().parents[2] / "test-artifacts"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / "form-editor.png"), full_page=True)

    page.locator("#layout-editor").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("is saved")
    assert [e.key for e in load_layout(RECEIPT).group("")] == [
        "comment",
        "supplier",
        "warehouse",
        "currency",
        "date",
        "responsible",
    ]
    assert header_order(page)[0] == "comment"
