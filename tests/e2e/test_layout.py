"""Layout at a laptop's 1366 px and a phone's 390 px, on the demo data, as the administrator:
no page is wider than the window (wide tables scroll inside their own box), document numbers
stay on one line, the deal rows table fits at 1366 px without clipping its buttons, filter
selects show their longest option, a document's comment sits beside its label, and dates read
"2 Dec 2026" on pages and "02/12/2026" in tables (Indonesian: "2 Des 2026").

Every page visited is saved as a full-page screenshot in test-artifacts/layout/."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from crm.models import Deal
from inventory.models import DocumentStatus, DocumentType, Product, StockDocument

pytestmark = pytest.mark.e2e

WIDTHS = {1366: 768, 390: 844}
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
}

# Each text match of a document number that the browser broke over more than one line.
WRAPPED_NUMBERS = r"""() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[A-Z]{2}-\d{6}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      found.push({number: match[0], lines: tops.size});
    }
  }
  return found;
}"""

# Filter selects narrower than their longest option (text width + the select's own padding).
TRUNCATED_SELECTS = r"""() => {
  const context = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("form[role=search] select")].flatMap(select => {
    const style = getComputedStyle(select);
    context.font = style.font;
    const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return widest > room + 1 ? [`${select.name}: ${Math.round(widest)} px of text in ${Math.round(room)} px`] : [];
  });
}"""

# Controls of the deal rows table that stick out of their cell, and whether the table's
# scrolling box is wider than what it shows.
DEAL_ROWS = r"""() => {
  const box = document.querySelector("#deal-rows").closest(".table-responsive");
  const outside = [...box.querySelectorAll("button, input:not([type=hidden]), select, a.btn")].flatMap(control => {
    const r = control.getBoundingClientRect(), cell = control.closest("td").getBoundingClientRect();
    return r.left < cell.left - 0.5 || r.right > cell.right + 0.5 ? [control.textContent.trim() || control.name] : [];
  });
  return {outside, scrolls: box.scrollWidth > box.clientWidth};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())
    processed = StockDocument.objects.filter(status=DocumentStatus.PROCESSED).order_by("-date", "-id")
    documents = {doc_type: processed.filter(doc_type=doc_type).first() for doc_type in DocumentType.values}
    deal = Deal.objects.filter(stage__kind="open", rows__reservations__isnull=False).distinct().order_by("pk").first()
    return {"documents": documents, "deal": deal, "product": Product.objects.order_by("sku").first()}


def page_urls(demo) -> dict[str, str]:
    urls = {
        "stock": reverse("inventory:stock"),
        "products": reverse("inventory:product_list"),
        "product": reverse("inventory:product_detail", args=[demo["product"].pk]),
        "warehouses": reverse("inventory:warehouse_list"),
    }
    for doc_type, document in demo["documents"].items():
        urls[f"{doc_type}-list"] = reverse("inventory:document_list", args=[doc_type])
        urls[f"{doc_type}-detail"] = reverse("inventory:document_detail", args=[doc_type, document.pk])
    urls |= {
        "companies": reverse("crm:company_list"),
        "company": reverse("crm:company_detail", args=[demo["deal"].company_id]),
        "contacts": reverse("crm:contact_list"),
        "deals": reverse("crm:deal_list"),
        "board": reverse("crm:deal_board"),
        "deal": reverse("crm:deal_detail", args=[demo["deal"].pk]),
        "settings": reverse("inventory:reservation_settings"),
        "layouts": reverse("layouts:form_list"),
        "editor": reverse("layouts:editor", args=["document_receipt"]),
    }
    return urls


def shoot(page, request, name: str) -> None:
    folder = Path(request.config.rootpath) / "test-artifacts" / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def at_width(browser, live_url, login, width: int):
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="en-US", base_url=live_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, "admin", "gudang-admin-2026")
    return context, page


@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_fit_and_numbers_do_not_wrap(browser, live_url, login, request, demo, width):
    context, page = at_width(browser, live_url, login, width)
    problems = []
    try:
        for name, url in page_urls(demo).items():
            response = page.goto(live_url + url)
            shoot(page, request, f"{width}-{name}")
            assert response.status == 200, f"{name}: HTTP {response.status}"
            wide = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if wide[0] > wide[1]:
                problems.append(f"{name}: the page is {wide[0]} px wide in a {wide[1]} px window")
            numbers = page.evaluate(WRAPPED_NUMBERS)
            if name.endswith(("-list", "-detail")) and not numbers:
                problems.append(f"{name}: no document number found")
            problems += [f"{name}: {n['number']} is on {n['lines']} lines" for n in numbers if n["lines"] != 1]
            # On a phone some filter bars are folded: unfolded, their selects are measured too.
            page.evaluate("() => document.querySelectorAll('details.filter-fold').forEach(d => { d.open = true; })")
            problems += [f"{name}: select {s}" for s in page.evaluate(TRUNCATED_SELECTS)]
            if name == "deal":
                rows = page.evaluate(DEAL_ROWS)
                problems += [f"deal: “{control}” sticks out of its cell" for control in rows["outside"]]
                if width == 1366 and rows["scrolls"]:
                    problems.append("deal: the rows table does not fit at 1366 px")
            if name.endswith("-detail") and width == 1366:  # on a phone a label sits above its text
                comment = page.locator("main dt", has_text="Comment")
                if comment.count():
                    label, text = comment.bounding_box(), its_value(comment).bounding_box()
                    if abs(label["y"] - text["y"]) > 2:
                        problems.append(f"{name}: the comment is {text['y'] - label['y']:.0f} px below its label")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def its_value(term):
    """The <dd> that follows a <dt>."""
    return term.locator("xpath=following-sibling::dd[1]")


def detail_value(page, label: str) -> str:
    return its_value(page.locator("main dt", has_text=re.compile(f"^({label})$"))).inner_text()


def long_date(day, language: str) -> str:
    """Written out here, not by Django: "2 Dec 2026" (en), "2 Des 2026" (id)."""
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


@pytest.mark.parametrize("language", ["en", "id"])
def test_dates_are_long_on_pages_and_short_in_tables(browser, live_url, login, request, demo, language):
    document = demo["documents"][DocumentType.RECEIPT]
    day, deal = document.date, demo["deal"]
    created = timezone.localtime(deal.created_at)
    time_separator = ":" if language == "en" else "."
    context, page = at_width(browser, live_url, login, 1366)
    try:
        if language == "id":
            page.locator("button[name=language][value=id]").click()
            page.wait_for_load_state()
        page.goto(live_url + reverse("inventory:document_list", args=["receipt"]))
        row = page.locator("tbody tr", has=page.get_by_role("link", name=document.number, exact=True))
        assert row.locator("td").nth(1).inner_text() == day.strftime("%d/%m/%Y")

        page.goto(live_url + reverse("inventory:document_detail", args=["receipt", document.pk]))
        shoot(page, request, f"dates-{language}-receipt")
        assert detail_value(page, "Date|Tanggal") == long_date(day, language)
        moved = page.locator("table").last.locator("tbody tr td").first.inner_text()
        assert re.fullmatch(rf"\d\d/\d\d/\d{{4}} \d\d{re.escape(time_separator)}\d\d", moved), moved

        page.goto(live_url + reverse("crm:deal_list"))
        row = page.locator("#deal-table tbody tr", has=page.get_by_role("link", name=deal.title, exact=True))
        assert created.strftime("%d/%m/%Y") in row.inner_text()

        page.goto(live_url + reverse("crm:deal_detail", args=[deal.pk]))
        shoot(page, request, f"dates-{language}-deal")
        shown = detail_value(page, "Created|Dibuat")
        assert shown == f"{long_date(created, language)}, {created:%H}{time_separator}{created:%M}"
    finally:
        context.close()
