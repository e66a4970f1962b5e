"""Custom field types: the form field for each, and how values travel to and from JSON.

Values are stored as JSON scalars: text and choices as strings, whole numbers as numbers,
decimals as strings (exact), dates as ISO strings, yes/no as booleans. An empty value is not
stored at all.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms
from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from layouts.models import KEY_PATTERN, FieldType
from web.fields import DecimalField, IntegerField

TEXT_MAX = 255
LONG_TEXT_MAX = 5000
INTEGER_LIMIT = 2**53 - 1  # exact in JSON readers that use doubles
DECIMAL_DIGITS, DECIMAL_PLACES = 18, 6
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def form_field(field_type: str, *, label, required: bool, help_text: str = "", choices=()) -> forms.Field:
    """The Django form field a custom field of `field_type` is typed into. `help_text` is plain
    text: it is escaped here, because Django and crispy render a field's help text as HTML."""
    common = {"label": label, "required": required, "help_text": escape(help_text)}
    if field_type == FieldType.TEXT:
        return forms.CharField(max_length=TEXT_MAX, **common)
    if field_type == FieldType.LONG_TEXT:
        return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if field_type == FieldType.INTEGER:
        return IntegerField(min_value=-INTEGER_LIMIT, max_value=INTEGER_LIMIT, localize=True, **common)
    if field_type == FieldType.DECIMAL:
        return DecimalField(
            max_digits=DECIMAL_DIGITS,
            decimal_places=DECIMAL_PLACES,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if field_type == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if field_type == FieldType.BOOLEAN:
        return forms.TypedChoiceField(choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None, **common)
    if field_type == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((c, c) for c in choices)], **common)
    raise ValueError(f"unknown custom field type {field_type!r}")


def to_json(value, field_type: str):
    """A cleaned form value as stored; None for an empty value (not stored)."""
    if value is None or value == "":
        return None
    if field_type == FieldType.DECIMAL:
        return format(value.normalize(), "f")
    if field_type == FieldType.DATE:
        return value.isoformat()
    if field_type == FieldType.LONG_TEXT:
        return value.replace("\r\n", "\n")  # as browsers send a textarea's line breaks
    return value


def from_json(value, field_type: str):
    """A stored value as the form field's initial value (for yes/no, the choice "yes"/"no")."""
    if value is None:
        return None
    if field_type == FieldType.DECIMAL:
        return Decimal(value)
    if field_type == FieldType.DATE:
        return datetime.date.fromisoformat(value)
    if field_type == FieldType.BOOLEAN:
        return "yes" if value else "no"
    return value


def fits(value, field_type: str, choices=()) -> bool:
    """Whether a stored value (of any type it might have been saved as) is a valid value of
    `field_type`: what a type change or a narrower list of options must respect."""
    if value is None:
        return True
    if field_type == FieldType.TEXT:
        return isinstance(value, str | int | float | bool) and len(str(value)) <= TEXT_MAX and "\n" not in str(value)
    if field_type == FieldType.LONG_TEXT:
        return isinstance(value, str | int | float | bool) and len(str(value)) <= LONG_TEXT_MAX
    if field_type == FieldType.INTEGER:
        return _as_integer(value) is not None
    if field_type == FieldType.DECIMAL:
        return _as_decimal(value) is not None
    if field_type == FieldType.DATE:
        try:
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True
    if field_type == FieldType.BOOLEAN:
        return isinstance(value, bool)
    if field_type == FieldType.CHOICE:
        return isinstance(value, str) and value in choices
    return False


def convert(value, field_type: str):
    """A stored value that `fits` the new type, in the new type's stored form."""
    if value is None:
        return None
    if field_type in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.CHOICE):
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        return str(value)
    if field_type == FieldType.INTEGER:
        return _as_integer(value)
    if field_type == FieldType.DECIMAL:
        return to_json(_as_decimal(value), field_type)
    return value


def _as_decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    sign, digits, exponent = number.normalize().as_tuple()
    places = max(0, -cast(int, exponent))  # finite: an int, never 'n', 'N' or 'F'
    if places > DECIMAL_PLACES or len(digits) - places > DECIMAL_DIGITS - DECIMAL_PLACES:
        return None
    return number


def _as_integer(value) -> int | None:
    number = _as_decimal(value)
    if number is None or number != number.to_integral_value() or abs(number) > INTEGER_LIMIT:
        return None
    return int(number)


def display(value, field_type: str, *, date_format: str = "SHORT_DATE_FORMAT") -> str:
    """A stored value as a page shows it, in the user's locale; a date in `date_format` (short
    in a list column, DATE_FORMAT on a detail page)."""
    if value is None or value == "":
        return ""
    if field_type == FieldType.BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if field_type == FieldType.DATE:
        return formats.date_format(datetime.date.fromisoformat(value), date_format)
    if field_type == FieldType.DECIMAL:
        return formats.number_format(Decimal(value), use_l10n=True, force_grouping=True)
    if field_type == FieldType.INTEGER:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


FILTERABLE = (FieldType.CHOICE, FieldType.BOOLEAN)
KEY_RE = re.compile(KEY_PATTERN)
