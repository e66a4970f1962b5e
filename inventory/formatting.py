"""How quantities read for people: no trailing zeros, the user's locale."""

from decimal import Decimal
from typing import cast

from django.utils.formats import number_format


def format_quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    normalized = Decimal(value).normalize()
    # A quantity is finite, so its exponent is an int (NaN and infinities have 'n', 'N', 'F').
    places = max(0, -cast(int, normalized.as_tuple().exponent))
    return number_format(normalized, decimal_pos=places, use_l10n=True, force_grouping=True)
