"""A clerk on a phone (390 × 844): every clerk page fits the width; on document forms the scan
box comes first and stays under the menu bar, lines are cards with large quantity boxes and
the save bar stays on the screen; the stock page shows product, on hand and available without
sideways scrolling, its filters folded. Camera scanning with a fake camera and a fake
BarcodeDetector feeds lines as a hardware scanner does (a repeat scan adds one), a stock count
by scanning shows expected, counted and difference as they change; and without
BarcodeDetector the vendored ZXing reads an EAN-13 and a QR code drawn into the camera's
picture.

Every page is saved as a screenshot in test-artifacts/phone/."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.catalogue import CLERK
from inventory.models import DocumentType, StockDocument
from tests.e2e.conftest import E2E_PASSWORD, TIMEOUT_MS
from tests.e2e.test_csp import REPORT_VIOLATIONS, is_violation
from tests.factories import BarcodeFactory, CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# A camera: a canvas's picture as the video stream; `window.cameraCanvas` is drawn on by the test.
FAKE_CAMERA = """
(() => {
  const canvas = document.createElement("canvas");
  canvas.width = 640;
  canvas.height = 480;
  window.cameraCanvas = canvas;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  // captureStream sends a picture when the canvas changes: keep repainting it.
  setInterval(() => { context.fillStyle = "rgba(255,255,255,0.01)"; context.fillRect(0, 0, 1, 1); }, 50);
  const devices = navigator.mediaDevices || {};
  devices.getUserMedia = () => Promise.resolve(canvas.captureStream(20));
  if (!navigator.mediaDevices) {
    Object.defineProperty(navigator, "mediaDevices", { value: devices });
  }
})();
"""

# A BarcodeDetector that reads what the test puts in `window.nextCodes`, one picture each.
FAKE_DETECTOR = """
window.nextCodes = [];
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["ean_13", "ean_8", "code_128", "qr_code", "upc_a"]); }
  constructor(options) { window.detectorFormats = options.formats; }
  detect(source) {
    const code = window.nextCodes.shift();
    return Promise.resolve(code ? [{ rawValue: code, format: "ean_13" }] : []);
  }
};
"""

SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"

# EAN-13 / EAN-8 digit patterns (L = odd parity, G = even parity, R = right half); first digit → parity.
EAN_L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
EAN_G = ["0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"]
EAN_R = ["1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"]
EAN_PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def ean13_modules(code: str) -> str:
    """The 95 modules (1 = bar) of an EAN-13 code."""
    first, left, right = int(code[0]), code[1:7], code[7:]
    parts = ["101"]
    for digit, parity in zip(left, EAN_PARITY[first], strict=True):
        parts.append((EAN_L if parity == "L" else EAN_G)[int(digit)])
    parts.append("01010")
    parts += [EAN_R[int(digit)] for digit in right]
    parts.append("101")
    return "".join(parts)


def ean_check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def test_ean13_modules_follow_the_standard():
    # 4006381333931 is the example in the EAN-13 standard's description: its check digit, its width.
    assert ean_check_digit("400638133393") == "1"
    modules = ean13_modules("4006381333931")
    assert len(modules) == 95
    assert modules.startswith("101" + EAN_L[0] + EAN_G[0]) and modules.endswith(EAN_R[1] + "101")


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


def phone_page(browser, live_url, *, camera=False, detector=False):
    context = browser.new_context(viewport=PHONE, locale="en-US", base_url=live_url, has_touch=True, is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    if camera:
        context.add_init_script(FAKE_CAMERA)
    if detector:
        context.add_init_script(FAKE_DETECTOR)
    return context, context.new_page()


def shoot(page, request, name: str, *, full_page=True) -> None:
    """The whole page from its top (sticky bars in their place), or the screen as it is."""
    folder = Path(request.config.rootpath) / "test-artifacts" / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    if full_page:
        page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def fits(page, name: str) -> list[str]:
    width = page.evaluate(SCROLL_WIDTH)
    return [] if width <= PHONE["width"] else [f"{name}: the page is {width} px wide"]


def box(locator):
    return locator.bounding_box()


def check_form(page, name: str, problems: list[str]) -> None:
    """The scan box above the first line and under the menu bar after scrolling; quantity
    boxes 44 px high or more; the save bar on the screen after scrolling."""
    page.evaluate("() => window.scrollTo(0, 0)")
    scan = page.locator("#scan-box")
    first_line = page.locator("tr.line-row").first
    if box(scan)["y"] >= box(first_line)["y"]:
        problems.append(f"{name}: the scan box is not above the first line")
    for height in page.locator(".line-quantity").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)"):
        if height < 44:
            problems.append(f"{name}: a quantity box is {height:.0f} px high")
    # Scrolled to the last line: the scan box and the save bar are still on the screen.
    page.locator("tr.line-row").last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(100)
    save = page.locator(".document-actions").get_by_role("button", name="Save", exact=True)
    for what, locator in (("the scan box", scan), ("the Save button", save)):
        where = box(locator)
        if where["y"] < 0 or where["y"] + where["height"] > PHONE["height"]:
            problems.append(f"{name}: {what} is off the screen after scrolling (y = {where['y']:.0f})")
    navbar = box(page.locator("nav.navbar"))
    if box(scan)["y"] < navbar["y"] + navbar["height"] - 1:
        problems.append(f"{name}: the scan box is under the menu bar")


def test_clerk_pages_on_a_phone(browser, live_url, login, request, demo):
    context, page = phone_page(browser, live_url, camera=True)
    problems: list[str] = []
    try:
        login(page, "clerk", "gudang-clerk-2026")
        for doc_type in DocumentType.values:
            page.goto(live_url + reverse("inventory:document_list", args=[doc_type]))
            shoot(page, request, f"{doc_type}-list")
            problems += fits(page, f"{doc_type}-list")
            expect(page.locator("form[role=search]")).to_be_hidden()  # folded
            page.goto(live_url + reverse("inventory:document_create", args=[doc_type]))
            # Three lines, so that the page scrolls.
            for _ in range(3):
                page.locator("#add-line").click()
            expect(page.locator("tr.line-row")).to_have_count(6)  # the form's three empty rows and three more
            expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()
            shoot(page, request, f"{doc_type}-form")
            problems += fits(page, f"{doc_type}-form")
            check_form(page, doc_type, problems)
            shoot(page, request, f"{doc_type}-form-scrolled", full_page=False)

        page.goto(live_url + reverse("inventory:stock"))
        shoot(page, request, "stock")
        shoot(page, request, "stock-screen", full_page=False)
        problems += fits(page, "stock")
        table = page.locator("#stock-table")
        if table.evaluate("t => { const b = t.closest('.table-responsive'); return b.scrollWidth > b.clientWidth; }"):
            problems.append("stock: the table scrolls sideways")
        for heading in ("Product", "On hand", "Available"):
            expect(table.get_by_role("columnheader", name=heading, exact=True)).to_be_visible()
        expect(page.locator("form[role=search]")).to_be_hidden()
        page.get_by_text("Filters", exact=True).click()
        expect(page.get_by_label("Warehouse")).to_be_visible()
        shoot(page, request, "stock-filters")

        page.goto(live_url + reverse("inventory:product_list"))
        expect(page.get_by_role("button", name="Scan with camera")).to_be_visible()
        shoot(page, request, "products")
        problems += fits(page, "products")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def ean8_modules(code: str) -> str:
    """The 67 modules of an EAN-8 code."""
    left = "".join(EAN_L[int(digit)] for digit in code[:4])
    right = "".join(EAN_R[int(digit)] for digit in code[4:])
    return "101" + left + "01010" + right + "101"


# Draws modules (a string of 0 and 1) into the camera's picture as bars, 4 px a module.
DRAW_BARS = """modules => {
  const canvas = window.cameraCanvas, context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = "#000";
  const left = (canvas.width - modules.length * 4) / 2;
  [...modules].forEach((bar, i) => { if (bar === "1") context.fillRect(left + i * 4, 120, 4, 240); });
}"""

# Code 128 (set B) of `text`, with the widths of the vendored ZXing's own table of patterns.
DRAW_CODE128 = """text => {
  const patterns = window.ZXing.Code128Reader.CODE_PATTERNS;
  const values = [104, ...[...text].map(c => c.charCodeAt(0) - 32)];
  values.push(values.reduce((sum, v, i) => sum + v * Math.max(i, 1), 0) % 103, 106);
  let modules = "";
  for (const value of values) {
    [...patterns[value]].forEach((width, i) => { modules += (i % 2 ? "0" : "1").repeat(width); });
  }
  return modules;
}"""

# A QR code of `text`, made by the vendored ZXing's writer.
DRAW_QR = """text => {
  const matrix = new window.ZXing.QRCodeWriter().encode(text, window.ZXing.BarcodeFormat.QR_CODE, 300, 300, new Map());
  const canvas = window.cameraCanvas, context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = "#000";
  for (let y = 0; y < matrix.getHeight(); y++) {
    for (let x = 0; x < matrix.getWidth(); x++) {
      if (matrix.get(x, y)) context.fillRect(170 + x, 90 + y, 1, 1);
    }
  }
}"""

BLANK = """() => {
  const canvas = window.cameraCanvas, context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
}"""

AWAY_MS = 600  # static/js/camera_scan.js: how long a code must be out of the picture to count again


@pytest.fixture
def shelf(transactional_db):
    clerk = UserFactory(username="e2e-clerk", password=E2E_PASSWORD, roles=[CLERK])
    warehouse = WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    kopi = ProductFactory(sku="KOPI-01", name="Kopi Toraja 250 g")
    teh = ProductFactory(sku="TEH-01", name="Teh Melati 100 g")
    gula = ProductFactory(sku="GULA-01", name="Gula Pasir 1 kg")
    BarcodeFactory(product=kopi, code="8991234000015")
    BarcodeFactory(product=teh, code="96385074")
    stock_in(by=clerk, warehouse=warehouse, product=kopi, quantity=5)
    CompanyFactory(name="PT Sumber Makmur", is_supplier=True)
    return {"clerk": clerk, "warehouse": warehouse, "kopi": kopi, "teh": teh, "gula": gula}


def line(page, sku):
    return page.locator("tr.line-row", has=page.locator(f"input[value='{sku}']"))


def wait_until_read(page):
    """Until the fake detector has shown every code it was given (wait_for_function evaluates
    its text with eval, which the Content-Security-Policy forbids)."""
    for _ in range(100):
        if page.evaluate("window.nextCodes.length") == 0:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the camera stopped looking at the picture")


def start_camera(page):
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.locator(".camera-status")).to_have_text("Point the camera at a barcode.")


def test_a_camera_scan_adds_a_line_and_a_repeat_scan_one_more(browser, live_url, login, request, shelf):
    context, page = phone_page(browser, live_url, camera=True, detector=True)
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:document_create", args=["receipt"]))
        start_camera(page)
        assert page.evaluate("window.detectorFormats") == ["ean_13", "ean_8", "code_128", "qr_code"]

        page.evaluate("window.nextCodes.push('8991234000015')")
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("1")
        expect(page.locator("#scan-feedback")).to_have_text("KOPI-01 · Kopi Toraja 250 g · piece — 1")
        # Held in view for many pictures: it counts once.
        page.evaluate("window.nextCodes.push(...Array(8).fill('8991234000015'))")
        wait_until_read(page)
        page.wait_for_timeout(AWAY_MS + 200)
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("1")
        # Out of the picture, then back: one more.
        page.evaluate("window.nextCodes.push('8991234000015')")
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("2")
        # Another product straight after: its own line.
        page.evaluate("window.nextCodes.push('96385074')")
        expect(line(page, "TEH-01").locator(".line-quantity")).to_have_value("1")
        expect(page.locator("tr.line-row", has=page.locator(".line-product-name"))).to_have_count(2)
        shoot(page, request, "camera-receipt", full_page=False)
        # An unknown code says so, and adds nothing.
        page.evaluate("window.nextCodes.push('0000000000000')")
        expect(page.locator("#scan-feedback")).to_have_class("form-text text-danger")

        page.get_by_role("button", name="Stop camera").click()
        expect(page.locator("#camera-panel-scan-box")).to_be_hidden()
        assert page.evaluate("document.querySelector('.camera-video').srcObject") is None

        page.get_by_label("Supplier").select_option(label="PT Sumber Makmur")
        page.locator(".document-actions").get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("alert").first).to_contain_text("saved")
    finally:
        context.close()
    document = StockDocument.objects.get(doc_type=DocumentType.RECEIPT)
    assert {(line.product.sku, line.quantity) for line in document.lines.all()} == {("KOPI-01", 2), ("TEH-01", 1)}


def test_a_stock_count_by_scanning_shows_expected_counted_and_difference(browser, live_url, login, request, shelf):
    context, page = phone_page(browser, live_url, camera=True, detector=True)
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:document_create", args=["stock_count"]))
        start_camera(page)
        kopi = line(page, "KOPI-01")
        for counted, difference in (("1", "-4"), ("2", "-3"), ("3", "-2")):
            page.evaluate("window.nextCodes.push('8991234000015')")
            expect(kopi.locator(".line-quantity")).to_have_value(counted)
            expect(kopi.locator(".line-expected")).to_have_text("5")
            expect(kopi.locator(".line-difference")).to_have_text(difference)
            expect(page.locator("#scan-feedback")).to_have_text(
                f"KOPI-01 · Kopi Toraja 250 g · piece — counted {counted}, expected 5, difference {difference}"
            )
            page.wait_for_timeout(AWAY_MS + 200)
        # A product the warehouse does not hold: expected 0.
        page.evaluate("window.nextCodes.push('96385074')")
        teh = line(page, "TEH-01")
        expect(teh.locator(".line-expected")).to_have_text("0")
        expect(teh.locator(".line-difference")).to_have_text("+1")
        shoot(page, request, "camera-stock-count", full_page=False)
        page.get_by_role("button", name="Stop camera").click()
        page.locator(".document-actions").get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("alert").first).to_contain_text("saved")
    finally:
        context.close()
    document = StockDocument.objects.get(doc_type=DocumentType.STOCK_COUNT)
    assert {(line.product.sku, line.quantity) for line in document.lines.all()} == {("KOPI-01", 3), ("TEH-01", 1)}


def test_a_camera_scan_on_the_product_list_finds_the_product(browser, live_url, login, request, shelf):
    context, page = phone_page(browser, live_url, camera=True, detector=True)
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:product_list"))
        start_camera(page)
        with page.expect_navigation():
            page.evaluate("window.nextCodes.push('96385074')")
        expect(page.get_by_label("Search")).to_have_value("96385074")
        rows = page.locator("main table tbody tr")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("Teh Melati 100 g")
        shoot(page, request, "camera-products", full_page=False)
    finally:
        context.close()


def test_without_barcode_detector_zxing_reads_the_camera_picture(browser, live_url, login, request, shelf):
    """Chromium on Linux has no BarcodeDetector: the vendored ZXing reads real pictures of
    an EAN-13, an EAN-8, a Code 128 and a QR code."""
    context, page = phone_page(browser, live_url, camera=True)
    context.add_init_script("delete window.BarcodeDetector;")
    context.add_init_script(REPORT_VIOLATIONS)
    violations = []
    page.on("console", lambda message: is_violation(message.text) and violations.append(message.text))
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:document_create", args=["adjustment"]))
        start_camera(page)
        assert page.evaluate("typeof window.ZXing") == "object"  # loaded on first use

        page.evaluate(DRAW_BARS, ean13_modules("8991234000015"))
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("1")
        page.evaluate(BLANK)
        page.wait_for_timeout(AWAY_MS + 300)
        page.evaluate(DRAW_BARS, ean13_modules("8991234000015"))
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("2")

        page.evaluate(DRAW_BARS, ean8_modules("96385074"))
        expect(line(page, "TEH-01").locator(".line-quantity")).to_have_value("1")
        page.evaluate(DRAW_BARS, page.evaluate(DRAW_CODE128, "GULA-01"))  # its SKU
        expect(line(page, "GULA-01").locator(".line-quantity")).to_have_value("1")
        shoot(page, request, "camera-zxing-code128", full_page=False)
        page.evaluate(DRAW_QR, "TEH-01")
        expect(line(page, "TEH-01").locator(".line-quantity")).to_have_value("2")
        shoot(page, request, "camera-zxing-qr", full_page=False)
    finally:
        context.close()
    assert not violations  # the reader loaded on demand and the camera's picture obey the policy


def test_without_a_camera_api_there_is_no_camera_button(page, login, live_url, shelf):
    page.add_init_script("Object.defineProperty(navigator, 'mediaDevices', { value: undefined });")
    login(page, "e2e-clerk", E2E_PASSWORD)
    page.goto(live_url + reverse("inventory:document_create", args=["receipt"]))
    expect(page.get_by_label("Scan a barcode")).to_be_visible()
    expect(page.locator(".camera-scan")).to_be_hidden()


def test_without_javascript_a_phone_still_saves_a_document_and_filters_stock(browser, live_url, login, shelf):
    context = browser.new_context(viewport=PHONE, locale="en-US", base_url=live_url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:document_create", args=["adjustment"]))
        expect(page.locator(".scan-bar")).to_be_hidden()
        expect(page.locator(".camera-scan")).to_be_hidden()
        page.locator("input[name='lines-0-product']").fill("KOPI-01")
        page.locator("input[name='lines-0-quantity']").fill("4")
        page.locator(".document-actions").get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("alert").first).to_contain_text("saved")

        page.goto(live_url + reverse("inventory:stock"))
        expect(page.get_by_label("Warehouse")).to_be_visible()  # the fold stays open
        page.get_by_label("Product").fill("TEH")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_text("No stock matches these filters.")).to_be_visible()
        assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]
    finally:
        context.close()
    document = StockDocument.objects.get(doc_type=DocumentType.ADJUSTMENT, status="draft")
    assert [(line.product.sku, line.quantity) for line in document.lines.all()] == [("KOPI-01", 4)]


def test_a_camera_refused_says_so_and_the_scan_box_still_works(browser, live_url, login, shelf):
    context, page = phone_page(browser, live_url)
    context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    try:
        login(page, "e2e-clerk", E2E_PASSWORD)
        page.goto(live_url + reverse("inventory:document_create", args=["write_off"]))
        page.get_by_role("button", name="Scan with camera").click()
        expect(page.locator(".camera-status")).to_have_text(
            "The camera may not be used: allow it for this site in the browser's settings."
        )
        page.get_by_role("button", name="Stop camera").click()
        expect(page.locator("#camera-panel-scan-box")).to_be_hidden()
        scan = page.get_by_label("Scan a barcode")
        scan.fill("8991234000015")
        scan.press("Enter")
        expect(line(page, "KOPI-01").locator(".line-quantity")).to_have_value("1")
    finally:
        context.close()
