"""Fields the API's serializers share: quantities and prices in the models' shapes, and
choices limited to what the user may choose."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS


def Quantity(**kwargs) -> serializers.DecimalField:
    kwargs.setdefault("max_digits", QUANTITY_DIGITS)
    return serializers.DecimalField(decimal_places=QUANTITY_DECIMALS, **kwargs)


def Money(**kwargs) -> serializers.DecimalField:
    """A price; `max_digits=None` for a sum of many."""
    kwargs.setdefault("max_digits", MONEY_DIGITS)
    return serializers.DecimalField(decimal_places=MONEY_DECIMALS, **kwargs)


def choice_of(queryset, message=None, **kwargs) -> serializers.PrimaryKeyRelatedField:
    """An object by id among `queryset`; one outside it reads as one that does not exist."""
    if message is not None:
        kwargs["error_messages"] = {"does_not_exist": message}
    return serializers.PrimaryKeyRelatedField(queryset=queryset, **kwargs)


def text(**kwargs) -> serializers.CharField:
    """Text as the pages take it: may be blank, no NUL characters (DRF refuses them)."""
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("required", False)
    return serializers.CharField(**kwargs)


def no_such_product(product_id) -> str:
    return _("No product has the ID %(id)s.") % {"id": product_id}
