"""How amounts and quantities read for people, in the active language: the one place pages,
messages, e-mails and exports format them.

- `format_amount(15000, "IDR")`: "Rp 15.000" in Indonesian, "IDR 15,000" in English; other
  currencies keep their code and their usual decimals ("USD 1.234,50"). Rounded half up to the
  currency's minor unit; the rupiah shows none.
- `format_quantity(Decimal("1.500"), "kg")`: "1,5 kg" / "1.5 kg": no trailing zeros, grouped
  thousands, the unit's symbol after a no-break space.
- `format_percent(Decimal("42.18"))`: "42,2%" / "42.2%": one decimal.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext_lazy

from inventory.currencies import minor_units

NBSP = "\N{NO-BREAK SPACE}"
RUPIAH = "IDR"

# The symbol after a quantity, by unit code (inventory.models.Unit).
UNIT_SYMBOLS = {
    "pcs": pgettext_lazy("unit symbol", "pcs"),
    "box": pgettext_lazy("unit symbol", "box"),
    "kg": pgettext_lazy("unit symbol", "kg"),
    "g": pgettext_lazy("unit symbol", "g"),
    "l": pgettext_lazy("unit symbol", "l"),
    "m": pgettext_lazy("unit symbol", "m"),
    "pack": pgettext_lazy("unit symbol", "pack"),
}


def unit_symbol(unit: str) -> str:
    """How a unit code is written after a quantity ("pcs", "kg"); an unknown code as it is."""
    return str(UNIT_SYMBOLS.get(unit, unit))


def _grouped(number: Decimal, places: int) -> str:
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_quantity(value: Decimal | None, unit: str | None = None) -> str:
    """A quantity without trailing zeros in the user's locale, with its unit's symbol if given."""
    if value is None:
        return ""
    normalized = Decimal(value).normalize()
    if normalized.is_zero():
        normalized = Decimal(0)  # "0", never "0E+2" or "-0"
    # A quantity is finite, so its exponent is an int (NaN and infinities have 'n', 'N', 'F').
    places = max(0, -cast(int, normalized.as_tuple().exponent))
    text = _grouped(normalized, places)
    if unit:
        text = f"{text}{NBSP}{unit_symbol(unit)}"
    return text


def currency_symbol(code: str) -> str:
    """How the currency is written before an amount: "Rp" for the rupiah in Indonesian, else its code."""
    if code == RUPIAH and (get_language() or "").split("-")[0] == "id":
        return "Rp"
    return code


def format_amount(value: Decimal | None, currency: str | None = None) -> str:
    """An amount of money in `currency` (the default currency when None), e.g. "Rp 15.000",
    "-USD 12,50"; the sign comes before the symbol."""
    if value is None:
        return ""
    code = (currency or settings.DEFAULT_CURRENCY).upper()
    places = 0 if code == RUPIAH else minor_units(code)
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{currency_symbol(code)}{NBSP}{_grouped(abs(rounded), places)}"


def format_percent(value: Decimal | None) -> str:
    """A percentage to one decimal, rounded half up: "42.2%" / "42,2%"."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = Decimal("0.0")  # never "-0.0%"
    return f"{_grouped(rounded, 1)}%"
