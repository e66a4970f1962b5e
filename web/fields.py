"""Form fields for numbers people type: the digits 0–9 only (see `web.validators.ascii_digits`),
and a zero is a zero ("-0" cleans to 0, as the services refuse a signed zero)."""

from django import forms

from web.validators import ascii_digits


class DecimalField(forms.DecimalField):
    """Every quantity, price and percentage input."""

    def to_python(self, value):
        if isinstance(value, str):
            ascii_digits(value)
        number = super().to_python(value)
        return abs(number) if number is not None and number.is_zero() else number


class IntegerField(forms.IntegerField):
    def to_python(self, value):
        if isinstance(value, str):
            ascii_digits(value)
        return super().to_python(value)


def decimal_input() -> forms.TextInput:
    """The box of a typed quantity or price: a phone shows its number pad, the browser offers
    no earlier entries."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
