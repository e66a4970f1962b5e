"""The Content-Security-Policy in the browser: the administrator walks the main pages (the
app's and the admin's), searches, scans and adds a line with htmx, previews a layout and opens
the role editor, and Chromium reports no violation of the policy anywhere."""

import pytest
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR
from crm.models import Contact
from inventory.models import DocumentType
from tests.crm.deal_helpers import deal_with_row
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.e2e

# Reports every violation to the console, where the test collects it with Chromium's own
# "Refused to …" messages; Playwright adds it to each page without being subject to the policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI);
});
"""


def is_violation(text: str) -> bool:
    return text.startswith("CSP violation") or "Content Security Policy" in text


@pytest.fixture
def shop(transactional_db):
    admin = UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR], is_staff=True)
    warehouse = WarehouseFactory(name="Gudang Jakarta", is_default=True)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    BarcodeFactory(product=kopi, code="8991234000015")
    stock_in(by=admin, warehouse=warehouse, product=kopi, quantity=10)
    company = CompanyFactory(name="Toko Sejahtera", is_client=True, is_supplier=True)
    contact = Contact.objects.create(first_name="Ani", company=company)
    deal, _row = deal_with_row(by=admin, product=kopi, quantity=1, warehouse=warehouse, company=company)
    receipt = make_document(DocumentType.RECEIPT, by=admin, warehouse=warehouse, lines=[(kopi, 2, 1000)])
    return {
        "warehouse": warehouse,
        "kopi": kopi,
        "company": company,
        "contact": contact,
        "deal": deal,
        "receipt": receipt,
    }


def test_the_main_pages_break_no_rule_of_the_policy(page, login, live_url, shop):
    violations = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: is_violation(message.text) and violations.append((page.url, message.text)))
    page.on("dialog", lambda dialog: dialog.dismiss())
    login(page, "e2e-admin", E2E_PASSWORD)

    deal, receipt, kopi = shop["deal"], shop["receipt"], shop["kopi"]
    urls = [
        reverse("home"),
        reverse("reports:dashboard_sales"),
        reverse("inventory:stock"),
        reverse("inventory:product_list"),
        reverse("inventory:product_detail", args=[kopi.pk]),
        reverse("inventory:product_update", args=[kopi.pk]),
        reverse("inventory:warehouse_list"),
        reverse("inventory:warehouse_update", args=[shop["warehouse"].pk]),
        *(reverse("inventory:document_list", args=[doc_type]) for doc_type in DocumentType.values),
        reverse("inventory:document_detail", args=["receipt", receipt.pk]),
        reverse("inventory:document_update", args=["receipt", receipt.pk]),
        reverse("inventory:reservation_settings"),
        reverse("inventory:costing_settings"),
        reverse("crm:company_list"),
        reverse("crm:company_detail", args=[shop["company"].pk]),
        reverse("crm:contact_update", args=[shop["contact"].pk]),
        reverse("crm:deal_list"),
        reverse("crm:deal_board"),
        reverse("crm:deal_detail", args=[deal.pk]),
        reverse("crm:deal_row_add", args=[deal.pk]),
        reverse("layouts:form_list"),
        reverse("layouts:field_create", args=["product"]),
        reverse("my_account"),
        reverse("password_change"),
        reverse("admin:index"),
        reverse("admin:accounts_role_changelist"),
        reverse("admin:accounts_role_overview"),
        reverse("admin:inventory_product_change", args=[kopi.pk]),
        reverse("admin:layouts_formlayout_changelist"),
        "/inventory/no-such-page/",
    ]
    for url in urls:
        page.goto(live_url + url)

    # htmx and the page scripts: search, scan, add a line; a layout preview; the role editor.
    page.goto(live_url + reverse("inventory:document_create", args=["receipt"]))
    page.locator("#product-search").fill("kopi")
    page.locator(".product-suggestion").first.click()
    page.locator("#scan-box").fill("8991234000015")
    page.locator("#scan-box").press("Enter")
    page.locator("#add-line").click()
    page.locator("tr.line-row").nth(2).wait_for()
    page.goto(live_url + reverse("layouts:editor", args=["document_receipt"]))
    page.get_by_role("button", name="Preview").click()
    page.locator(".layout-preview").wait_for()
    page.goto(live_url + reverse("admin:accounts_role_changelist"))
    page.locator("#result_list tbody th a").first.click()
    page.locator("select[data-role-mode]").first.select_option("chosen")
    page.wait_for_timeout(200)  # a late violation report reaches the console

    assert not violations, "\n".join(f"{url}: {text}" for url, text in violations)
