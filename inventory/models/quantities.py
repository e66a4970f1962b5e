"""Shapes of the numbers stock is kept in, shared by every model and form."""

from decimal import Decimal

from django.db import models

# Up to 999,999,999,999.999 units with three decimals (grams of a kilogram, millilitres of a litre).
QUANTITY_DIGITS = 15
QUANTITY_DECIMALS = 3
# Prices and totals: up to 999,999,999,999.99 in the document's currency.
MONEY_DIGITS = 14
MONEY_DECIMALS = 2


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS, **kwargs)


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_DECIMALS, **kwargs)


def fits(value: Decimal, digits: int, decimals: int) -> bool:
    """Whether `value` can be stored in a DecimalField(max_digits=digits, decimal_places=decimals)
    without rounding (NaN and infinity never can)."""
    _, figures, exponent = Decimal(value).normalize().as_tuple()
    if not isinstance(exponent, int):
        return False
    places = max(0, -exponent)
    whole_digits = max(0, len(figures) + exponent)
    return places <= decimals and whole_digits <= digits - decimals
