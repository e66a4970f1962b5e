"""An administrator prints a processed receipt: the detail page's "Print" opens the print view,
which on paper (print media) keeps the document and drops its own controls."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import DocumentType
from inventory.services.documents import process_document
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.e2e

SCREENSHOT = "/tmp/print_receipt.png"
A4_AT_96_DPI = {"width": 794, "height": 1123}


@pytest.fixture
def receipt(transactional_db):
    admin = UserFactory(
        username="e2e-admin", first_name="Sari", last_name="Wulandari", password=E2E_PASSWORD, roles=[ADMINISTRATOR]
    )
    warehouse = WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    lamp = ProductFactory(sku="ELK-001", name="Lampu LED 12 W")
    coffee = ProductFactory(sku="MKN-005", name="Kopi Bubuk Lampung 200 g")
    rice = ProductFactory(sku="MKN-010", name="Beras Pandan Wangi 5 kg", unit="kg")
    document = make_document(
        DocumentType.RECEIPT,
        by=admin,
        warehouse=warehouse,
        supplier=CompanyFactory(name="CV Maju Jaya"),
        lines=[(lamp, 24, "23072"), (coffee, 12, "16800"), (rice, "37.5", "13500")],
    )
    return admin, process_document(document, by=admin)


def test_an_administrator_prints_a_processed_receipt(page, login, live_url, receipt):
    admin, document = receipt
    login(page, admin.username, E2E_PASSWORD)
    page.goto(live_url + reverse("inventory:document_detail", args=["receipt", document.pk]))
    page.locator("main").get_by_role("link", name="Print").click()

    expect(page).to_have_url(live_url + reverse("inventory:document_print", args=["receipt", document.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Receipt voucher {document.number}")
    expect(page.locator("table.print-lines tbody tr")).to_have_count(3)
    expect(page.locator("tr.print-total")).to_contain_text("IDR 1,261,578")  # 553,728 + 201,600 + 506,250
    expect(page.locator(".print-mark")).to_have_count(0)  # processed: no DRAFT mark
    print_button = page.get_by_role("button", name="Print")
    back = page.get_by_role("link", name="Back")
    expect(print_button).to_be_visible()
    expect(back).to_be_visible()

    page.set_viewport_size(A4_AT_96_DPI)
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(back).to_be_hidden()
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator(".print-signature")).to_have_count(2)
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.emulate_media(media="screen")
    expect(print_button).to_be_visible()
    # The button opens the browser's print dialog: window.print, stubbed to be seen called.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    print_button.click()
    assert page.evaluate("window.printed") == 1
