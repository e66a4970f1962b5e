"""Checks of what people type, shared by every form, filter and service: text without NUL
characters (PostgreSQL cannot store them), numbers in the digits 0–9."""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

# The check every forms.CharField already runs (so filters' CharFilters too); services and
# GET parameters read outside a form use it by this name.
no_nul = ProhibitNullCharactersValidator()


def has_nul(value) -> bool:
    """Whether `value` (text, or JSON-like lists and mappings of texts) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(item) for item in value)
    return False


def ascii_digits(text: str) -> None:
    """Refuse digits other than 0–9 (Arabic-Indic, full-width…) and `_` separators, which
    Python's Decimal and int accept but a person rarely means."""
    if "_" in text or any(char.isdigit() and not char.isascii() for char in text):
        raise ValidationError(_("Use the digits 0–9."), code="digits")


def is_id(text: str) -> bool:
    """Whether `text` is an object id as pages send it: 1 to 18 of the digits 0–9 (a bigint)."""
    return text.isascii() and text.isdigit() and len(text) < 19


def query_text(request, name: str) -> str:
    """GET parameter `name`, stripped ("" when absent); `ValidationError` if it holds a NUL
    (the view answers with the message instead of querying)."""
    text = (request.GET.get(name) or "").strip()
    no_nul(text)
    return text
