"""Shapes of the numbers stock is kept in, shared by every model and form."""

from decimal import Decimal
from typing import cast

from django.db import models

# Up to 999,999,999,999.999 units with three decimals (grams of a kilogram, millilitres of a litre).
QUANTITY_DIGITS = 15
QUANTITY_DECIMALS = 3
LARGEST_QUANTITY = Decimal(10) ** (QUANTITY_DIGITS - QUANTITY_DECIMALS) - Decimal(10) ** -QUANTITY_DECIMALS
# Prices and totals: up to 999,999,999,999.99 in the document's currency.
MONEY_DIGITS = 14
MONEY_DECIMALS = 2


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS, **kwargs)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_DECIMALS, **kwargs)


def is_number(value) -> bool:
    """Whether `value` is a number a quantity or price can be: a finite Decimal or int (not a
    bool, not a float), and not a zero with a minus sign. Check it before comparing: NaN
    cannot be compared."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return False
    value = Decimal(value)
    return value.is_finite() and not (value.is_zero() and value.is_signed())


def fits(value: Decimal, digits: int, decimals: int) -> bool:
    """Whether `value` is a number (`is_number`) that can be stored in a
    DecimalField(max_digits=digits, decimal_places=decimals) without rounding."""
    if not is_number(value):
        return False
    _, figures, finite_exponent = Decimal(value).normalize().as_tuple()
    exponent = cast(int, finite_exponent)  # a number is finite: an int, never 'n', 'N' or 'F'
    places = max(0, -exponent)
    whole_digits = max(0, len(figures) + exponent)
    return places <= decimals and whole_digits <= digits - decimals
