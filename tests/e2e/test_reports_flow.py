"""An administrator signs in and lands on the dashboard: its charts are drawn (Chart.js under the
app's Content-Security-Policy, the sales part fetched by the page's script), with no violation
of the policy; the low-stock figure opens the low-stock report, whose "Export XLSX" downloads a
workbook holding what the page shows. A screenshot of the dashboard is kept in the test's tmp
path."""

from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.catalogue import ADMINISTRATOR
from inventory.models import DocumentType, MinimumStock
from inventory.services.documents import process_document
from tests.e2e.conftest import E2E_PASSWORD, VIEWPORT
from tests.e2e.test_csp import REPORT_VIOLATIONS, is_violation
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.e2e

# How many pixels of a canvas are painted (not transparent), counted in the page.
PAINTED = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]) painted++;
  return painted;
}"""


def painted(page, selector: str, *, at_least: int = 500, tries: int = 50) -> int:
    """The painted pixels of the canvas once its chart is drawn (polled: the page's policy
    forbids the string evaluation `wait_for_function` uses)."""
    count = 0
    for _ in range(tries):
        count = page.locator(selector).evaluate(PAINTED)
        if count >= at_least:
            break
        page.wait_for_timeout(100)
    return count


@pytest.fixture
def shop(transactional_db):
    admin = UserFactory(username="e2e-admin", password=E2E_PASSWORD, roles=[ADMINISTRATOR])
    jakarta = WarehouseFactory(name="Gudang Jakarta", is_default=True)
    surabaya = WarehouseFactory(name="Gudang Surabaya")
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    teh = ProductFactory(sku="TEH-01", name="Teh Melati 100 g")
    for warehouse in (jakarta, surabaya):
        receipt = make_document(
            DocumentType.RECEIPT, by=admin, warehouse=warehouse, lines=[(kopi, 40, 20000), (teh, 30, 8000)]
        )
        process_document(receipt, by=admin)
    sale = make_document(
        DocumentType.SALES_ORDER, by=admin, warehouse=jakarta, lines=[(kopi, 12, 32000), (teh, 5, 12000)]
    )
    process_document(sale, by=admin)
    # Kopi in Jakarta: 28 on hand, minimum 50: 22 to order.
    MinimumStock.objects.create(product=kopi, warehouse=jakarta, quantity=Decimal(50))
    return {"admin": admin, "kopi": kopi}


def test_the_dashboard_charts_then_the_low_stock_report_exported(page, login, live_url, shop, tmp_path):
    violations = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: is_violation(message.text) and violations.append(message.text))
    login(page, "e2e-admin", E2E_PASSWORD)

    expect(page).to_have_url(live_url + reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    # 2 × 1,040,000 received, 280,000 sold at cost; sold for 384,000 + 60,000.
    expect(page.locator("#figure-stock-value")).to_have_text("IDR\N{NO-BREAK SPACE}1,800,000")
    expect(page.locator("#figure-sales")).to_have_text("IDR\N{NO-BREAK SPACE}444,000")  # the sales part is in
    for chart in ("#chart-warehouses", "#chart-weeks", "#chart-top"):
        canvas = page.locator(chart)
        expect(canvas).to_be_visible()
        expect(canvas).to_have_attribute("data-drawn", "yes")
        assert painted(page, chart) >= 500, chart
        assert canvas.bounding_box()["height"] > 100, chart
    # The whole page, by making the window as tall as it (a full-page screenshot resizes the
    # window itself and catches the charts redrawing to the new size).
    page.set_viewport_size({"width": VIEWPORT["width"], "height": page.evaluate("document.body.scrollHeight")})
    page.wait_for_timeout(800)  # the charts' resize and short animation end
    page.screenshot(path=str(tmp_path / "dashboard.png"))
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000

    page.locator("#figure-low-stock").click()
    expect(page).to_have_url(live_url + reverse("reports:low_stock"))
    row = page.locator("#report-table tbody tr", has_text="KOPI-01")
    expect(row.locator("td[data-key='to_order']")).to_have_text("22")
    shown = row.locator("td[data-key='warehouse_name']").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export XLSX").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    headings = list(rows[0])
    kopi = next(r for r in rows[1:] if r[headings.index("SKU")] == "KOPI-01")
    assert kopi[headings.index("Warehouse")] == shown == "Gudang Jakarta"
    assert kopi[headings.index("To order")] == 22
    assert not violations, violations
