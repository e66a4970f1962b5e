"""The issue's journey: the administrator adds a required choice field "Quality grade" to
stock receipts and drags it above the comment; a clerk opens a new receipt, finds it in that
place, is refused without it, saves with it, and sees it on the document page."""

import pytest
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import StockDocument
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def setup(transactional_db):
    WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    CompanyFactory(name="PT Sumber Makmur", is_supplier=True)
    return UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])


def field_order(page) -> list[str]:
    return page.locator("#document-form").evaluate(
        "form => Array.from(form.querySelectorAll('[name]'), e => e.name).filter(n => !n.startsWith('lines-'))"
    )


def test_a_required_quality_grade_on_receipts(page, login, live_url, setup, e2e_user):
    page.on("dialog", lambda dialog: dialog.accept())

    # --- the administrator adds the field and drags it above the comment ---
    login(page, "e2e-admin", E2E_PASSWORD)
    page.goto(live_url + "/settings/forms/document_receipt/")
    page.get_by_role("link", name="Add custom field").click()
    form = page.locator("#custom-field-form")
    form.get_by_label("Key").fill("quality_grade")
    form.get_by_label("Label (English)").fill("Quality grade")
    form.get_by_label("Label (Indonesian)").fill("Mutu")
    form.get_by_label("Type").select_option(label="Choice from a list")
    form.get_by_label("Required").check()
    form.get_by_label("Options").fill("A\nB\nC")
    form.get_by_role("button", name="Add field").click()
    expect(page.get_by_role("alert").first).to_contain_text("Quality grade")
    grade = page.locator("tr[data-key='quality_grade']")
    comment = page.locator("tr[data-key='comment']")
    grade.locator(".drag-handle").drag_to(comment, target_position={"x": 40, "y": 4})
    keys = page.locator("tbody[data-layout-group=''] tr[data-key]").evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert keys.index("quality_grade") == keys.index("comment") - 1
    page.locator("#layout-editor").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("saved")
    page.context.clear_cookies()

    # --- the clerk finds it in its place, is refused without it, saves with it ---
    login(page, e2e_user.username, e2e_user.raw_password)
    page.goto(live_url + "/inventory/documents/receipt/new/")
    order = field_order(page)
    assert order.index("custom_quality_grade") == order.index("comment") - 1
    page.get_by_label("Supplier").select_option(label="PT Sumber Makmur")
    page.locator("input[name='lines-0-product']").fill("KOPI-01")
    page.locator("input[name='lines-0-quantity']").fill("5")
    page.locator("#document-form").get_by_role("button", name="Save", exact=True).click()
    grade_field = page.locator("#div_id_custom_quality_grade")
    expect(grade_field).to_contain_text("This field is required")
    assert not StockDocument.objects.exists()

    page.get_by_label("Quality grade").select_option("B")
    page.locator("#document-form").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("RC-000001 saved.")
    details = page.locator(".custom-values")
    expect(details).to_contain_text("Quality grade")
    expect(details.locator("dd")).to_have_text("B")
    assert StockDocument.objects.get().custom == {"quality_grade": "B"}
