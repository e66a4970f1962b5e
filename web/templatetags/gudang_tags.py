"""Template helpers shared by every page: `{% load gudang_tags %}`."""

from decimal import Decimal, InvalidOperation

from django import template
from django.http import QueryDict

from inventory.formatting import format_amount, format_percent, format_quantity, unit_symbol
from web.menu import menu_for

register = template.Library()


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@register.simple_tag(takes_context=True)
def url_replace(context, **params) -> str:
    """The current query string with `params` set (a None value drops the key).

    `href="{% url_replace page=3 %}"` keeps the list's filters and sorting.
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


@register.filter
def page_range(page_obj):
    """Page numbers around the current page, with `Paginator.ELLIPSIS` for gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def qty(value, unit=None) -> str:
    """A quantity without trailing zeros, localized, with its unit if given:
    `{{ line.quantity|qty:line.product.unit }}` -> "1.250,5 kg" in Indonesian."""
    number = _to_decimal(value)
    if number is None:
        return "" if value is None else value
    return format_quantity(number, unit)


@register.filter
def unit(code) -> str:
    """A unit code as written after a quantity: `{{ line.product.unit|unit }}` -> "pcs"."""
    return unit_symbol(code)


@register.filter
def money(value, currency=None) -> str:
    """An amount in `currency` (the default currency when omitted):
    `{{ document.total|money:document.currency }}` -> "Rp 2.590.500" in Indonesian."""
    number = _to_decimal(value)
    if number is None:
        return "" if value is None else value
    return format_amount(number, currency)


@register.filter
def percent(value) -> str:
    """A percentage to one decimal, localized: `{{ margin|percent }}` -> "42,2%" in Indonesian."""
    number = _to_decimal(value)
    if number is None:
        return "" if value is None else value
    return format_percent(number)


@register.simple_tag(takes_context=True)
def menu(context) -> dict:
    """`{% menu as menu %}`: the sidebar entries of the user (see `web.menu`)."""
    return menu_for(context["request"].user)
