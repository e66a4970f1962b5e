"""The main pages, shown in Indonesian, show no English word of the interface.

"English words" are the catalogue's own (locale/id/LC_MESSAGES/django.po): every word of three
letters or more in a msgid, less every word some translation uses (Indonesian keeps SKU,
barcode, Filter, Total, PPN…) and the few allowed (tests/english_words.py, which the browser
journey tests/e2e/test_indonesian_journey.py shares). The pages are rendered for the
administrator and, where the page is theirs, the warehouse clerk, both with Indonesian chosen
as a user chooses it (their stored language, the language cookie, the browser's
Accept-Language), over data with Indonesian names; the sign-in, 403 and 404 pages too. What a
person reads is the text outside <script> and <style>, and the attributes shown or read aloud
(ATTRIBUTES). Every English word found is listed, page by page, with the text around it, in one
failure, so that the whole list can be fixed at once (an unmarked string, or a msgid without
its translation).
"""

from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, CLERK, DOCUMENT_TYPES
from accounts.services.profiles import set_language
from crm.models import Contact
from inventory.models import DocumentType
from inventory.models.documents import layout_key
from inventory.services.documents import process_document
from tests.crm.deal_helpers import deal_with_row
from tests.english_words import INDONESIAN, english_on, english_words, read_page
from tests.factories import (
    BarcodeFactory,
    CategoryFactory,
    CompanyFactory,
    ProductFactory,
    UserFactory,
    WarehouseFactory,
)
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db


def speaking_indonesian(user=None) -> Client:
    """A browser set to Indonesian (cookie and Accept-Language), signed in as `user` if given,
    whose stored language is Indonesian."""
    browser = Client(HTTP_ACCEPT_LANGUAGE=INDONESIAN)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = INDONESIAN
    if user is not None:
        set_language(user, INDONESIAN)
        browser.force_login(user)
    return browser


@pytest.fixture
def world(db):
    """An administrator (budi) and a clerk (sari), two warehouses with stock, a product, a
    company with a contact, a deal with a row, and of every document type a draft with a line
    and a processed one: every name Indonesian or neutral."""
    budi = UserFactory(username="budi", email="budi@majujaya.co.id", roles=[ADMINISTRATOR])
    sari = UserFactory(username="sari", email="sari@majujaya.co.id", roles=[CLERK])
    main = WarehouseFactory(name="Gudang Utama", code="JKT")
    branch = WarehouseFactory(name="Gudang Surabaya", code="SBY")
    product = ProductFactory(sku="KOPI-001", name="Kopi Arabika", category=CategoryFactory(name="Minuman"))
    BarcodeFactory(product=product, code="8991234567890")
    company = CompanyFactory(name="PT Maju Jaya")
    contact = Contact.objects.create(first_name="Ani", last_name="Wijaya", company=company)
    for warehouse in (main, branch):
        stock_in(by=budi, warehouse=warehouse, product=product, quantity=100)
    deal, _row = deal_with_row(by=budi, product=product, quantity=2, warehouse=main, company=company)
    documents = {}
    for doc_type in DOCUMENT_TYPES:
        draft, processed = (
            make_document(
                doc_type,
                by=budi,
                warehouse=main,
                destination=branch if doc_type == DocumentType.TRANSFER else None,
                supplier=company,
                client=company,
                lines=[(product, 3, 25000)],
            )
            for _ in range(2)
        )
        documents[doc_type] = (draft, process_document(processed, by=budi))
    return {
        "budi": budi,
        "sari": sari,
        "main": main,
        "product": product,
        "company": company,
        "contact": contact,
        "deal": deal,
        "documents": documents,
    }


def pages(world) -> list[tuple[str, str, int]]:
    """(who, URL, expected status) of every page checked; who is a user's key or "anonymous"."""
    document_pages = []
    for doc_type, (draft, processed) in world["documents"].items():
        document_pages += [
            reverse("inventory:document_list", args=[doc_type]),
            reverse("inventory:document_create", args=[doc_type]),
            reverse("inventory:document_detail", args=[doc_type, draft.pk]),
            reverse("inventory:document_update", args=[doc_type, draft.pk]),
            reverse("inventory:document_detail", args=[doc_type, processed.pk]),
        ]
    product, main = world["product"].pk, world["main"].pk
    # The clerk's pages: stock, documents, products and warehouses (accounts.catalogue.DEFAULT_ROLES).
    clerk_pages = [
        reverse("home"),  # the dashboard
        reverse("inventory:stock"),
        *document_pages,
        reverse("inventory:product_list"),
        reverse("inventory:product_detail", args=[product]),
        reverse("inventory:product_create"),
        reverse("inventory:warehouse_list"),
        reverse("inventory:warehouse_update", args=[main]),
        reverse("my_account"),  # everyone's
    ]
    administrator_pages = [
        *clerk_pages,
        reverse("inventory:product_update", args=[product]),
        reverse("reports:dashboard_sales"),
        reverse("inventory:warehouse_create"),
        reverse("inventory:reservation_settings"),
        reverse("crm:company_list"),
        reverse("crm:company_detail", args=[world["company"].pk]),
        reverse("crm:company_create"),
        reverse("crm:contact_list"),
        reverse("crm:contact_update", args=[world["contact"].pk]),
        reverse("crm:deal_list"),
        reverse("crm:deal_board"),
        reverse("crm:deal_detail", args=[world["deal"].pk]),
        reverse("crm:deal_create"),
        reverse("layouts:form_list"),
        reverse("layouts:editor", args=["product"]),
        reverse("layouts:editor", args=[layout_key(DocumentType.RECEIPT)]),
        reverse("layouts:editor", args=["deal"]),
        reverse("layouts:field_create", args=["product"]),
        reverse("password_change"),
    ]
    return [
        ("anonymous", reverse("login"), 200),
        *(("budi", url, 200) for url in administrator_pages),
        ("budi", reverse("inventory:document_detail", args=[DocumentType.RECEIPT, 999_999]), 404),
        *(("sari", url, 200) for url in clerk_pages),
        ("sari", reverse("inventory:reservation_settings"), 403),
    ]


def test_the_english_words_come_from_the_catalogue():
    english = english_words()
    assert {"warehouse", "receipt", "save", "product", "cancel"} <= english
    assert len(english) > 300
    assert not english & {"sku", "gudang", "stok"}, "words an Indonesian translation uses are not English"


def test_visible_text_is_text_and_read_attributes_not_code():
    html = """<html lang="id"><head><title>Stok</title><style>.a { color: red }</style></head><body>
      <script>const save = "Save";</script><p title="Petunjuk">Halo <b>dunia</b></p>
      <input type="submit" value="Simpan"><input type="hidden" value="rahasia"><input name="q" placeholder="Cari">
      <select><option>Pilih</option></select><button aria-label="Tutup" data-confirm="Yakin?"></button>
      <code>vat_rate</code><input placeholder="Name" lang="en"><button lang="en" title="English">English</button>
      <p>Akhir<br>baris</p></body></html>"""
    page = read_page(html)
    assert page.language == "id"
    assert [piece.strip() for piece in page.pieces] == [
        "Stok",
        "Petunjuk",
        "Halo",
        "dunia",
        "Simpan",
        "Cari",
        "Pilih",
        "Tutup",
        "Yakin?",
        "Akhir",
        "baris",
    ]


def test_main_pages_show_no_english(world):
    browsers = {"anonymous": speaking_indonesian()}
    browsers.update({key: speaking_indonesian(world[key]) for key in ("budi", "sari")})
    report, totals, checked = [], Counter(), pages(world)
    for who, url, status in checked:
        response = browsers[who].get(url)
        html = response.content.decode()
        problems = []
        if response.status_code != status:
            problems.append(f"status {response.status_code}, expected {status}")
        language = read_page(html).language
        if language != INDONESIAN:
            problems.append(f'<html lang="{language}">: the page is not in Indonesian')
        found = english_on(html)
        totals.update({word for word, _ in found})
        problems += [f"{word}: «{text}»" for word, text in found]
        if problems:
            report.append(f"GET {url} as {who}:\n" + "\n".join(f"    {problem}" for problem in problems))
    if report:
        words_by_pages = ", ".join(f"{word} ({count})" for word, count in totals.most_common())
        pytest.fail(
            f"English on {len(report)} of {len(checked)} Indonesian pages.\n"
            f"Words (on how many pages): {words_by_pages}\n\n" + "\n".join(report),
            pytrace=False,
        )
