"""The two formatting helpers, in both languages: amounts (`format_amount`, the `money` filter)
and quantities (`format_quantity`, the `qty` filter)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from inventory.formatting import format_amount, format_quantity

NB = "\xa0"


@pytest.mark.parametrize(
    ("language", "value", "currency", "shown"),
    [
        ("id", "15000", "IDR", f"Rp{NB}15.000"),
        ("en", "15000", "IDR", f"IDR{NB}15,000"),
        ("id", "2590500.00", "IDR", f"Rp{NB}2.590.500"),  # the rupiah shows no sen
        ("id", "2590500.50", "IDR", f"Rp{NB}2.590.501"),  # rounded half up
        ("id", "-15000", "IDR", f"-Rp{NB}15.000"),  # the sign before the symbol
        ("en", "-15000", "IDR", f"-IDR{NB}15,000"),
        ("id", "1234.5", "USD", f"USD{NB}1.234,50"),  # a decimal currency keeps its cents
        ("en", "1234.5", "USD", f"USD{NB}1,234.50"),
        ("en", "-0.004", "USD", f"USD{NB}0.00"),  # rounds to zero: no minus
        ("id", "1234.5678", "KWD", f"KWD{NB}1.234,568"),  # three decimals
        ("en", "1234.5", "JPY", f"JPY{NB}1,235"),  # none
        ("id", "999999999999.99", "IDR", f"Rp{NB}1.000.000.000.000"),  # large
        ("en", "123456789012345.67", "EUR", f"EUR{NB}123,456,789,012,345.67"),
    ],
)
def test_amounts(language, value, currency, shown):
    with translation.override(language):
        assert format_amount(Decimal(value), currency) == shown


def test_an_amount_without_currency_is_in_the_default_currency(settings):
    settings.DEFAULT_CURRENCY = "IDR"
    with translation.override("id"):
        assert format_amount(Decimal("15000")) == f"Rp{NB}15.000"
    assert format_amount(None) == ""


@pytest.mark.parametrize(
    ("language", "value", "unit", "shown"),
    [
        ("id", "12.000", "pcs", f"12{NB}pcs"),
        ("en", "12.000", "pcs", f"12{NB}pcs"),
        ("id", "1.500", "kg", f"1,5{NB}kg"),
        ("en", "1.500", "kg", f"1.5{NB}kg"),
        ("id", "1234567.125", None, "1.234.567,125"),
        ("en", "1234567.125", None, "1,234,567.125"),
        ("id", "-3.250", "l", f"-3,25{NB}l"),
        ("id", "0.000", "pack", f"0{NB}pak"),
        ("en", "0E-3", "pack", f"0{NB}pack"),
        ("en", "999999999999.999", "g", f"999,999,999,999.999{NB}g"),
        ("id", "100", None, "100"),  # 1E+2 after normalizing: still "100"
    ],
)
def test_quantities(language, value, unit, shown):
    with translation.override(language):
        assert format_quantity(Decimal(value), unit) == shown


def test_the_filters_use_the_helpers():
    template = Template("{% load gudang_tags %}{{ total|money:currency }} · {{ quantity|qty:unit }} · {{ none|money }}")
    context = Context({"total": Decimal("2590500"), "currency": "IDR", "quantity": Decimal("1.50"), "unit": "kg"})
    with translation.override("id"):
        assert template.render(context) == f"Rp{NB}2.590.500 · 1,5{NB}kg · "
    with translation.override("en"):
        assert template.render(context) == f"IDR{NB}2,590,500 · 1.5{NB}kg · "
