"""Currencies are ISO 4217 codes, chosen from a list on documents and deals and checked by the
services; transfers and stock counts have neither a currency nor prices on their pages."""

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crm.services.deals import DealInput, create_deal, update_deal
from inventory.currencies import CURRENCIES, is_currency
from inventory.models import DocumentType, StockDocument
from inventory.models.documents import layout_key
from inventory.services.documents import Header, LineInput, create_document
from tests.factories import CompanyFactory, ProductFactory, WarehouseFactory
from tests.inventory.views.test_documents import form_data
from tests.layout_helpers import field_keys
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wh():
    return WarehouseFactory(name="Gudang Jakarta")


@pytest.fixture
def other_wh():
    return WarehouseFactory(name="Gudang Bandung")


def test_the_list_holds_iso_codes_only():
    assert {"IDR", "USD", "EUR", "SGD", "MYR", "JPY", "CNY"} <= set(CURRENCIES)
    assert all(re.fullmatch("[A-Z]{3}", code) for code in CURRENCIES)
    assert not is_currency("ABC") and not is_currency("idr") and not is_currency("RP")


def test_a_receipt_chooses_its_currency_from_the_list(client_logged_in, user, wh):
    html = client_logged_in.get(reverse("inventory:document_create", args=["receipt"])).content.decode()
    select = html[html.index('name="currency"') : html.index("</select>", html.index('name="currency"'))]
    assert '<option value="IDR" selected>' in select and '<option value="USD">' in select

    data = form_data(user, lines=[(ProductFactory(), "1", "10")], warehouse=wh, supplier=CompanyFactory())
    data["currency"] = "XYZ"
    response = client_logged_in.post(reverse("inventory:document_create", args=["receipt"]), data)
    assert response.status_code == 200 and not StockDocument.objects.exists()
    assert "XYZ" in " ".join(response.context["header_form"].errors["currency"])
    data["currency"] = "usd"
    assert client_logged_in.post(reverse("inventory:document_create", args=["receipt"]), data).status_code == 302
    assert StockDocument.objects.get().currency == "USD"


def test_the_document_service_refuses_a_code_outside_iso_4217(user, wh):
    with pytest.raises(ValidationError) as refused:
        create_document(
            doc_type=DocumentType.ADJUSTMENT,
            by=user,
            header=Header(warehouse=wh, currency="ABC"),
            lines=[LineInput(ProductFactory(), Decimal(1))],
        )
    assert "currency" in refused.value.message_dict
    assert not StockDocument.objects.exists()


def test_the_deal_service_and_form_take_iso_codes_only(client_logged_in, user):
    company = CompanyFactory(is_client=True)
    with pytest.raises(ValidationError) as refused:
        create_deal(by=user, data=DealInput(title="Grosir", company=company, currency="ABC"))
    assert "currency" in refused.value.message_dict
    deal = create_deal(by=user, data=DealInput(title="Grosir", company=company, currency="sgd"))
    assert deal.currency == "SGD"
    with pytest.raises(ValidationError):
        update_deal(deal, by=user, data=DealInput(title="Grosir", company=company, currency="XYZ"))

    post = {"title": "Grosir", "company": company.pk, "responsible": user.pk, "currency": "XYZ"}
    response = client_logged_in.post(reverse("crm:deal_update", args=[deal.pk]), post)
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.currency == "SGD"
    html = client_logged_in.get(reverse("crm:deal_update", args=[deal.pk])).content.decode()
    assert '<option value="SGD" selected>' in html


@pytest.mark.parametrize("doc_type", [DocumentType.TRANSFER, DocumentType.STOCK_COUNT])
def test_transfers_and_counts_show_no_currency_nor_price(client_logged_in, user, wh, other_wh, doc_type):
    destination = other_wh if doc_type == DocumentType.TRANSFER else None
    document = make_document(doc_type, by=user, warehouse=wh, destination=destination, lines=[(ProductFactory(), 2)])
    pages = {
        "form": reverse("inventory:document_create", args=[doc_type]),
        "edit": reverse("inventory:document_update", args=[doc_type, document.pk]),
        "detail": reverse("inventory:document_detail", args=[doc_type, document.pk]),
        "list": reverse("inventory:document_list", args=[doc_type]),
    }
    for name, url in pages.items():
        html = client_logged_in.get(url).content.decode()
        assert 'name="currency"' not in html and "-price" not in html, name
        assert ">Currency<" not in html and ">Price<" not in html and ">Total<" not in html, name
        assert "IDR" not in html, name


def test_a_transfer_saved_without_a_currency_field_keeps_its_currency(client_logged_in, user, wh, other_wh):
    product = ProductFactory()
    data = form_data(user, lines=[(product, "1")], warehouse=wh, destination=other_wh)
    del data["currency"]
    assert client_logged_in.post(reverse("inventory:document_create", args=["transfer"]), data).status_code == 302
    document = StockDocument.objects.get()
    assert document.currency == "IDR" and document.lines.get().price == 0


@pytest.mark.parametrize(("value", "accepted"), [("USD", True), (" sgd ", True), ("XYZ", False), ("RP", False)])
def test_the_default_currency_setting_is_an_iso_code(value, accepted):
    env = {**os.environ, "DEBUG": "1", "DEFAULT_CURRENCY": value}
    code = "import config.settings as s; print(s.DEFAULT_CURRENCY)"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert (run.returncode == 0) == accepted, run.stderr
    if accepted:
        assert run.stdout.strip() == value.strip().upper()
    else:
        assert "DEFAULT_CURRENCY" in run.stderr and "ISO 4217" in run.stderr


@pytest.mark.parametrize("doc_type", [DocumentType.TRANSFER, DocumentType.STOCK_COUNT])
def test_the_layout_editor_offers_no_currency_nor_price_for_transfers_and_counts(doc_type):
    assert "currency" not in field_keys(layout_key(doc_type))
    assert field_keys(layout_key(doc_type), "lines") == ["line_product", "line_quantity"]
    assert "line_price" in field_keys(layout_key(DocumentType.RECEIPT), "lines")
