"""A clerk switches to Indonesian in the top bar, creates and processes a receipt, and every
page on the way speaks Indonesian; signing in again from a fresh browser (English, no cookies)
is Indonesian at once, the choice being stored on the clerk's profile.

Each page's text is checked as tests/web/test_indonesian_pages.py checks rendered pages, here
on the live DOM (page.content(): what the scripts added too, such as the product suggestions
and the new line): no English word of the catalogue (tests/english_words.py) in the text or the
read attributes (title, placeholder, aria-label, alt, data-confirm), nor in the questions the
page asks (confirm dialogs). Each step leaves a full-page screenshot in
test-artifacts/indonesian/ (CI keeps test-artifacts/), to be looked at.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.catalogue import CLERK
from accounts.models import Profile
from inventory.models.catalog import Unit
from tests.e2e.conftest import E2E_PASSWORD, VIEWPORT
from tests.english_words import INDONESIAN, english_in, english_on
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path("test-artifacts") / "indonesian"


def indonesian(text: str) -> str:
    """`text` (a msgid) as the Indonesian catalogue says it."""
    with translation.override(INDONESIAN):
        return gettext(text)


@pytest.fixture
def clerk(transactional_db):
    """A warehouse clerk with an Indonesian name (a username is shown on every page), whose
    profile has no language yet; `clerk.raw_password` is the password."""
    user = UserFactory(username="sari", first_name="Sari", last_name="Wijaya", password=E2E_PASSWORD, roles=[CLERK])
    user.raw_password = E2E_PASSWORD
    return user


@pytest.fixture
def catalog(transactional_db):
    WarehouseFactory(name="Gudang Jakarta", code="JKT", is_default=True)
    WarehouseFactory(name="Gudang Surabaya", code="SBY")
    CompanyFactory(name="PT Sumber Makmur", is_supplier=True, is_client=False)
    ProductFactory(
        sku="BRS-01",
        name="Beras Pandan Wangi",
        category=CategoryFactory(name="Sembako"),
        unit=Unit.KILOGRAM,
        purchase_price=Decimal("14000"),
    )


@pytest.fixture
def shots(request):
    """`shots(page, name)`: a full-page screenshot in test-artifacts/indonesian/, numbered."""
    folder = Path(request.config.rootpath) / SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def shoot(page, name: str) -> Path:
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


def assert_indonesian(page, step: str) -> None:
    """The page is in Indonesian, and no English word of the interface stands on it."""
    expect(page.locator("html")).to_have_attribute("lang", INDONESIAN)
    found = english_on(page.content())
    assert not found, f"{step} ({page.url}) shows English:\n" + "\n".join(f"  {w}: «{t}»" for w, t in found)


def sign_in(page, live_url: str, user, *, button: str) -> None:
    """Through the sign-in form, whose submit button reads `button`."""
    page.goto(live_url + reverse("login"))
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill(user.username)
    form.locator("input[name='password']").fill(user.raw_password)
    with page.expect_navigation():
        form.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name=re.compile(r"Log out|Keluar"))).to_be_visible()


def test_a_clerk_switches_to_indonesian_and_processes_a_receipt(page, browser, live_url, clerk, catalog, shots):
    questions = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    assert not Profile.objects.filter(user=clerk).exclude(language="").exists()

    # --- signed in in English (the browser's language), which is stored ---
    page.goto(live_url + reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shots(page, "sign-in-english")
    sign_in(page, live_url, clerk, button="Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.navbar").get_by_role("button", name="Log out")).to_be_visible()
    assert Profile.objects.get(user=clerk).language == "en"
    assert english_on(page.content()), "the check finds the English words of an English page"
    shots(page, "home-english")

    # --- the top bar's Indonesian button ---
    switch = page.locator("nav.navbar form[action$='/i18n/setlang/']")
    with page.expect_navigation():
        switch.locator("button[value='id']").click()
    expect(page.locator("nav.navbar").get_by_role("button", name="Keluar")).to_be_visible()
    expect(switch.locator("button[value='id']")).to_have_attribute("aria-current", "true")
    assert Profile.objects.get(user=clerk).language == INDONESIAN
    assert_indonesian(page, "the page after switching")
    shots(page, "home-indonesian")

    # --- the receipts, from the sidebar ---
    receipts = indonesian("Stock receipts")
    page.locator("#sidebar").get_by_role("link", name=receipts, exact=True).click()
    expect(page.locator("h1")).to_have_text(receipts)
    assert_indonesian(page, "the receipt list")
    shots(page, "receipt-list")

    page.locator("main").get_by_role("link", name=indonesian("New document")).click()
    expect(page).to_have_url(re.compile(r"/receipt/new/$"))
    form = page.locator("#document-form")
    expect(form.get_by_label(indonesian("Find a product"))).to_be_visible()  # the script has run
    assert_indonesian(page, "the new receipt")
    shots(page, "receipt-new")

    # --- the warehouse, the supplier, a product found by its name ---
    form.get_by_label(indonesian("Supplier")).select_option(label="PT Sumber Makmur")
    form.get_by_label(indonesian("Target warehouse")).select_option(label="Gudang Surabaya")
    form.get_by_label(indonesian("Find a product")).fill("pandan")
    suggestion = page.locator(".product-suggestion", has_text="Beras Pandan Wangi")
    expect(suggestion).to_have_count(1)
    assert_indonesian(page, "the product suggestions")
    shots(page, "receipt-suggestions")
    suggestion.click()
    row = page.locator("tr.line-row", has=page.locator("input[value='BRS-01']"))
    expect(row).to_have_count(1)
    expect(row.locator("input[name$='-price']")).to_have_value("14000")  # the purchase price

    # --- 1,5 kg at Rp 15.000: a decimal comma, thousands dots ---
    row.locator(".line-quantity").fill("1,5")
    row.locator("input[name$='-price']").fill("15.000")
    assert_indonesian(page, "the receipt with its line")
    shots(page, "receipt-filled")

    form.get_by_role("button", name=indonesian("Save"), exact=True).click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text(indonesian("%(number)s saved.") % {"number": "RC-000001"})
    expect(page.locator("h1")).to_contain_text(indonesian("Draft"))
    assert_indonesian(page, "the saved receipt")
    shots(page, "receipt-saved")

    page.locator("main").get_by_role("button", name=indonesian("Process"), exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text(
        indonesian("%(number)s processed.") % {"number": "RC-000001"}
    )
    expect(page.locator("h1")).to_contain_text(indonesian("Processed"))
    lines = page.locator("main table").first
    line = lines.locator("tbody tr").first
    expect(line).to_contain_text("1,5\N{NO-BREAK SPACE}kg")
    expect(line).to_contain_text("Rp\N{NO-BREAK SPACE}15.000")
    expect(lines.locator("tfoot")).to_contain_text("Rp\N{NO-BREAK SPACE}22.500")
    expect(page.locator("main")).to_contain_text("Gudang Surabaya")
    assert_indonesian(page, "the processed receipt")
    shots(page, "receipt-processed")
    assert len(questions) == 1 and "RC-000001" in questions[0], questions
    assert not english_in(questions[0]), f"the process question is English: {questions[0]}"

    # --- signed out: the sign-in page keeps the language ---
    page.locator("nav.navbar").get_by_role("button", name=indonesian("Log out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_indonesian(page, "the sign-in page after signing out")
    shots(page, "signed-out")

    # --- a fresh browser (no cookies, English): Indonesian from the first signed-in page ---
    fresh = browser.new_context(viewport=VIEWPORT, locale="en-US", base_url=live_url)
    try:
        other = fresh.new_page()
        other.goto(live_url + reverse("login"))
        expect(other.locator("html")).to_have_attribute("lang", "en")
        sign_in(other, live_url, clerk, button="Log in")
        assert_indonesian(other, "the first page in a fresh browser")
        shots(other, "fresh-browser-home")
        other.locator("#sidebar").get_by_role("link", name=indonesian("Stock"), exact=True).click()
        expect(other.locator("#stock-table")).to_contain_text("1,5\N{NO-BREAK SPACE}kg")
        other.locator("#sidebar").get_by_role("link", name=receipts, exact=True).click()
        listed = other.locator("main tbody tr", has_text="RC-000001")
        expect(listed).to_contain_text(indonesian("Processed"))
        expect(listed).to_contain_text("Rp\N{NO-BREAK SPACE}22.500")
        assert_indonesian(other, "the receipt list in a fresh browser")
        shots(other, "fresh-browser-receipts")
    finally:
        fresh.close()
