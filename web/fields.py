"""Form fields for numbers people type, in the user's locale: "1.234,5" in Indonesian and
"1,234.5" in English (see `read_number`), with the digits 0–9 only (`web.validators.ascii_digits`);
a zero is a zero ("-0" cleans to 0, as the services refuse a signed zero). Values are shown the
same way, without trailing zeros ("1234,5", not "1234.500")."""

import re
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from web.validators import ascii_digits

SPACES = re.compile(r"[\s\N{NO-BREAK SPACE}\N{NARROW NO-BREAK SPACE}\N{THIN SPACE}]")
MINUS = "-\N{MINUS SIGN}"
EXAMPLE = Decimal("1234.5")


def number_example() -> str:
    """The number the messages show as a model: "1.234,5" in Indonesian, "1,234.5" in English."""
    return number_format(EXAMPLE, decimal_pos=1, use_l10n=True, force_grouping=True)


def not_a_number() -> ValidationError:
    return ValidationError(_("Enter a number, such as %(example)s.") % {"example": number_example()}, code="invalid")


def _grouped(whole: str, group: str) -> str | None:
    """`whole` without its thousands separators if they group by three ("1.234.567"), else None."""
    head, *groups = whole.split(group)
    if head.isdigit() and len(head) <= 3 and groups and all(len(g) == 3 and g.isdigit() for g in groups):
        return head + "".join(groups)
    return None


def read_number(text: str) -> str:
    """A typed number as Decimal() reads it ("1.234,5" -> "1234.5" in Indonesian).

    The locale's decimal separator starts the decimals and its thousands separator may group
    the whole part by threes; spaces group too. A single other mark that does not group by
    threes is taken as a decimal point ("1.5" and "1,5" are 1.5 in both languages). Anything
    else raises `ValidationError` with an example of what is expected.
    """
    decimal, group = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    number = SPACES.sub("", text)
    sign = ""
    if number and number[0] in MINUS + "+":
        sign, number = ("-" if number[0] in MINUS else ""), number[1:]
    whole, mark, fraction = number.rpartition(decimal) if decimal in number else (number, "", "")
    if group in whole:
        ungrouped = _grouped(whole, group)
        if ungrouped is not None:
            whole = ungrouped
        elif not mark and whole.count(group) == 1:
            whole, fraction = whole.split(group)
            mark = "."
        else:
            raise not_a_number()
    if not (whole or fraction) or any(part and not part.isdigit() for part in (whole, fraction)):
        raise not_a_number()
    return f"{sign}{whole or '0'}.{fraction or '0'}" if mark else f"{sign}{whole}"


def show_number(value: Decimal) -> str:
    """A number in an input box: the locale's decimal separator, no grouping, no trailing zeros."""
    normalized = value.normalize()
    places = max(0, -cast(int, normalized.as_tuple().exponent))
    return number_format(normalized, decimal_pos=places, use_l10n=True)


class DecimalField(forms.DecimalField):
    """Every quantity, price and percentage input."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            ascii_digits(value)
            value = read_number(value)
        number = super().to_python(value)
        return abs(number) if number is not None and number.is_zero() else number

    def prepare_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            return show_number(value)
        return value


class IntegerField(forms.IntegerField):
    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            ascii_digits(value)
            value = read_number(value)
        return super().to_python(value)


def decimal_input() -> forms.TextInput:
    """The box of a typed quantity or price: a phone shows its number pad, the browser offers
    no earlier entries."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
