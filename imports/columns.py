"""The columns an import reads, how a file's headings are matched to them, and how a cell's
text becomes a value (with the message a user sees when it cannot)."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import override

from inventory.models.quantities import fits
from layouts.builder import custom_label
from layouts.models import FieldType, LayoutField
from layouts.types import form_field, to_json

YES = {"1", "yes", "y", "true", "ya", "benar", "aktif", "active", "x", "✓"}
NO = {"0", "no", "n", "false", "tidak", "salah", "nonaktif", "inactive", ""}


class CellError(ValueError):
    """A cell's text is not a value of its column (the message says why, for the user)."""


@dataclass(frozen=True)
class Column:
    """A field an import fills: `key` (what the mapping names), its label (English, marked for
    translation, unless `translated` is off: a custom field's own label), a `suffix` after it
    (a warehouse's code), other headings it is known by (either language), whether a row needs it."""

    key: str
    label: str
    aliases: Sequence[str] = ()
    required: bool = False
    suffix: str = ""
    translated: bool = True

    def title(self) -> str:
        """The heading in the user's language (what templates and exports write)."""
        label = str(_(self.label)) if self.translated else self.label
        return f"{label} {self.suffix}" if self.suffix else label

    def names(self) -> set[str]:
        """Every heading that matches this column, normalized: its title in English and in
        Indonesian, its key and its aliases."""
        names = {self.key, *(f"{alias} {self.suffix}" if self.suffix else alias for alias in self.aliases)}
        for language in ("en", "id"):
            with override(language):
                names.add(self.title())
        return {normalized(name) for name in names if name}


def normalized(heading: str) -> str:
    """A heading compared without case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(heading)).casefold()
    return re.sub(r"[^0-9a-z]", "", "".join(c for c in text if not unicodedata.combining(c)))


def match_columns(headers: Sequence[str], columns: Sequence[Column]) -> list[str]:
    """For each heading, the key of the column it names ("" for none); a column is taken by
    its first heading only."""
    by_name: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            by_name.setdefault(name, column.key)
    taken: set[str] = set()
    mapping = []
    for heading in headers:
        key = by_name.get(normalized(heading), "")
        if key in taken:
            key = ""
        taken.add(key)
        mapping.append(key)
    return mapping


def parse_decimal(text: str, *, digits: int, decimals: int) -> Decimal:
    """A number as people type it: 1250.5, 1250,5, 1.250,50, 1,250.50, Rp 1.250 (thousands
    separators and a currency are left out); too many digits or decimals is an error."""
    cleaned = re.sub(r"(?i)^(rp\.?|idr)\s*", "", text.strip()).replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "")
    if cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise CellError(_("“%(text)s” is not a number.") % {"text": text[:30]})
    try:
        number = Decimal(cleaned)
    except InvalidOperation as error:
        raise CellError(_("“%(text)s” is not a number.") % {"text": text[:30]}) from error
    if number < 0:
        raise CellError(_("The number cannot be negative."))
    if not fits(number.normalize() if number else Decimal(0), digits, decimals):
        raise CellError(_("The number is too large or has more than %(decimals)s decimals.") % {"decimals": decimals})
    return number


def parse_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(_("Write yes or no."))


CUSTOM_PREFIX = "custom:"


class CustomColumns:
    """The custom fields of form `form` (see `layouts`) as columns `custom:<key>`, headed by
    their label in either language, and their cells read as the form reads them."""

    def __init__(self, form: str) -> None:
        rows = LayoutField.objects.filter(layout__key=form, is_custom=True, removed=False).order_by("position")
        self.rows = {f"{CUSTOM_PREFIX}{row.key}": row for row in rows}
        self.inputs = {
            key: form_field(row.field_type, label=row.key, required=False, choices=row.choices)
            for key, row in self.rows.items()
        }

    def columns(self) -> list[Column]:
        return [
            Column(key, custom_label(row), (row.label_en, row.label_id), translated=False)
            for key, row in self.rows.items()
        ]

    def value(self, key: str, text: str):
        """The stored (JSON) value of a cell; `CellError` when it is not one of the field's."""
        row = self.rows[key]
        if row.field_type == FieldType.BOOLEAN:
            return parse_bool(text)
        try:
            return to_json(self.inputs[key].clean(text), row.field_type)
        except forms.ValidationError as error:
            raise CellError(" ".join(error.messages)) from error

    @staticmethod
    def merged(stored: dict | None, data: dict) -> dict:
        """The stored custom values with the row's (the cells left empty keep theirs)."""
        values = {key[len(CUSTOM_PREFIX) :]: value for key, value in data.items() if key.startswith(CUSTOM_PREFIX)}
        return {**(stored or {}), **{k: v for k, v in values.items() if v is not None}}
