"""Number inputs read the user's locale ("1.234,5" in Indonesian, "1,234.5" in English), say
what they expect when they cannot, and show values the same way."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from web.fields import DecimalField, IntegerField


class Numbers(forms.Form):
    quantity = DecimalField(max_digits=15, decimal_places=3, required=False)
    days = IntegerField(required=False)


def cleaned(language: str, **data):
    with translation.override(language):
        form = Numbers(data)
        form.is_valid()
        return form


@pytest.mark.parametrize(
    ("language", "typed", "value"),
    [
        ("id", "1.234,5", "1234.5"),
        ("id", "1,5", "1.5"),
        ("id", "1.234", "1234"),  # dots group thousands in Indonesian
        ("id", "1.5", "1.5"),  # a dot that groups nothing is a decimal point
        ("id", "12.345.678,125", "12345678.125"),
        ("id", "1 234,5", "1234.5"),
        ("id", "-2,5", "-2.5"),
        ("id", "−2,5", "-2.5"),  # the minus sign
        ("en", "1,234.5", "1234.5"),
        ("en", "1,234", "1234"),
        ("en", "1.5", "1.5"),
        ("en", "1,5", "1.5"),
        ("en", ".5", "0.5"),
        ("en", "-0", "0"),
    ],
)
def test_typed_numbers_are_read_in_the_locale(language, typed, value):
    form = cleaned(language, quantity=typed)
    assert form.errors == {}
    assert form.cleaned_data["quantity"] == Decimal(value)


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("id", "1,234.5", "Masukkan angka, misalnya 1.234,5."),
        ("id", "1.2.3", "Masukkan angka, misalnya 1.234,5."),
        ("id", "1e3", "Masukkan angka, misalnya 1.234,5."),
        ("id", "abc", "Masukkan angka, misalnya 1.234,5."),
        ("en", "1.234,5", "Enter a number, such as 1,234.5."),
        ("en", "12,34,567", "Enter a number, such as 1,234.5."),
        ("en", "-", "Enter a number, such as 1,234.5."),
        ("en", "NaN", "Enter a number, such as 1,234.5."),
    ],
)
def test_what_cannot_be_read_is_refused_with_an_example(language, typed, message):
    form = cleaned(language, quantity=typed)
    assert form.errors["quantity"] == [message]


def test_whole_numbers_read_the_locale_too():
    assert cleaned("id", days="1.000").cleaned_data["days"] == 1000
    assert cleaned("en", days="1,000").cleaned_data["days"] == 1000
    assert "days" in cleaned("en", days="1.5").errors


def test_values_are_shown_in_the_locale_without_trailing_zeros():
    for language, shown in (("id", "1234,5"), ("en", "1234.5")):
        with translation.override(language):
            form = Numbers(initial={"quantity": Decimal("1234.500")})
            assert f'value="{shown}"' in str(form["quantity"])
    with translation.override("id"):
        assert 'value="7"' in str(Numbers(initial={"quantity": Decimal("7.000")})["quantity"])
