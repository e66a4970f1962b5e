"""The product box of document lines and deal rows: a barcode, SKU, id or name, one ranking
(exact code, whole word, prefix, other substring) for the suggestions, the lines and the deal
rows; several matches of a name are listed, never guessed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.forms.deals import RowForm
from inventory.forms.documents import LineFormSet
from inventory.models import DocumentType
from inventory.selectors.documents import product_suggestions
from tests.factories import BarcodeFactory, ProductFactory
from tests.inventory.test_document_forms import lines_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamps():
    """Products that "lampu" finds, each in another way, named so that the alphabet alone
    would put them in another order."""
    return {
        "substring": ProductFactory(sku="KLM-01", name="Aksesori Kalampu"),
        "prefix": ProductFactory(sku="KOP-LPG", name="Kopi Bubuk Lampung"),
        "word": ProductFactory(sku="LMP-LED", name="Lampu LED 10 W"),
        "word_later": ProductFactory(sku="SNT-01", name="Senter Lampu Kepala"),
        "code": ProductFactory(sku="LAMPU", name="Zeta bohlam"),
    }


def test_suggestions_rank_exact_code_whole_word_prefix_then_substring(lamps):
    ProductFactory(sku="OLD-LAMPU", name="Lampu Lama", is_active=False)
    ProductFactory(sku="TEH-01", name="Teh Melati")
    found = product_suggestions("lampu")
    expected = ["code", "word", "word_later", "prefix", "substring"]
    assert [p.pk for p in found] == [lamps[k].pk for k in expected]


def test_suggestions_page_lists_in_that_order(client_logged_in, lamps):
    html = client_logged_in.get(reverse("inventory:product_lookup"), {"q": "LAMPU"}).content.decode()
    positions = [html.index(lamps[k].name) for k in ("code", "word", "word_later", "prefix", "substring")]
    assert positions == sorted(positions)


def test_a_barcode_prefix_is_a_prefix_match():
    scanned = ProductFactory(sku="X-1", name="Gula Pasir")
    BarcodeFactory(product=scanned, code="8991234000015")
    named = ProductFactory(sku="X-2", name="Sabun 8991234")
    assert [p.pk for p in product_suggestions("8991234")] == [named.pk, scanned.pk]  # whole word, then prefix


def test_regex_characters_in_a_query_are_plain_text():
    product = ProductFactory(sku="C-1", name="Kabel (2 m) [hitam] 1.5+")
    assert [p.pk for p in product_suggestions("(2 m) [hitam] 1.5+")] == [product.pk]
    assert product_suggestions(".*") == []


def lines(doc_type, *rows):
    formset = LineFormSet(lines_data(*rows), prefix="lines", doc_type=doc_type)
    return formset, formset.is_valid()


def test_a_line_takes_a_name_with_one_match(lamps):
    formset, valid = lines(DocumentType.ADJUSTMENT, ("kopi bubuk", "2"))
    assert valid, formset.errors
    assert formset.lines[0].product == lamps["prefix"]


def test_a_line_takes_an_exact_name_among_longer_ones():
    exact = ProductFactory(sku="LED-5", name="Lampu LED")
    ProductFactory(sku="LED-10", name="Lampu LED 10 W")
    formset, valid = lines(DocumentType.ADJUSTMENT, ("lampu led", "1"))
    assert valid, formset.errors
    assert formset.lines[0].product == exact


def test_a_name_with_several_matches_lists_the_best_ones_and_takes_none(lamps):
    lamps["code"].delete()  # "lampu" is then only a name
    formset, valid = lines(DocumentType.ADJUSTMENT, ("lampu", "1"))
    assert not valid
    error = " ".join(formset.forms[0].errors["product"])
    assert "“lampu” matches several products" in error
    assert error.index("Lampu LED 10 W") < error.index("Senter Lampu Kepala") < error.index("Kopi Bubuk Lampung")


def test_codes_still_win_over_names(lamps):
    formset, valid = lines(DocumentType.ADJUSTMENT, ("lampu", "1"))  # the SKU of "Zeta bohlam"
    assert valid and formset.lines[0].product == lamps["code"]


def test_an_inactive_product_is_never_found_by_name():
    ProductFactory(sku="OLD-1", name="Minyak Goreng Lama", is_active=False)
    formset, valid = lines(DocumentType.ADJUSTMENT, ("minyak goreng", "1"))
    assert not valid
    assert "No product matches “minyak goreng”" in " ".join(formset.forms[0].errors["product"])


def _resolution_queries(count: int) -> int:
    products = [ProductFactory(name=f"Produk nomor {n:03d} u{count}n{n}x") for n in range(count)]
    rows = [(f"u{count}n{n}x", "1") for n in range(count)]
    with CaptureQueriesContext(connection) as captured:
        formset, valid = lines(DocumentType.ADJUSTMENT, *rows)
        assert valid, formset.errors
    assert [line.product for line in formset.lines] == products
    return len(captured)


def test_names_resolve_in_the_same_queries_for_one_line_or_twenty():
    assert _resolution_queries(1) == _resolution_queries(20)


def test_the_deal_row_takes_a_name(user, lamps):
    form = RowForm({"product": "senter lampu", "quantity": "2"}, user=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["product"] == lamps["word_later"]
    ambiguous = RowForm({"product": "lamp", "quantity": "2"}, user=user)
    assert not ambiguous.is_valid()
    assert "matches several products" in " ".join(ambiguous.errors["product"])


def test_the_line_endpoint_takes_a_name_and_reports_several_matches(client_logged_in, lamps):
    endpoint = reverse("inventory:document_line", args=["adjustment"])
    one = client_logged_in.get(endpoint, {"code": "bubuk lampung", "index": 0})
    assert one.status_code == 200
    assert f'data-product-id="{lamps["prefix"].pk}"' in one.content.decode()
    several = client_logged_in.get(endpoint, {"code": "lamp", "index": 0})
    assert several.status_code == 409
    assert "matches several products" in several.content.decode()
