"""Report figures shown outside the reports: `{% load report_tags %}`."""

from django import template

from reports.access import report_scope
from reports.selectors.low_stock import low_stock_count

register = template.Library()


LOW_STOCK_COUNT = "_gudang_low_stock_count"


@register.simple_tag(takes_context=True)
def low_stock_badge(context) -> int:
    """How many product × warehouse pairs of the user's warehouses are below their minimum (one
    query, once per request: the sidebar's badge, shown only to those who see the reports, and
    the dashboard's figure)."""
    request = context["request"]
    if not hasattr(request, LOW_STOCK_COUNT):
        setattr(request, LOW_STOCK_COUNT, low_stock_count(warehouse_ids=report_scope(request.user)))
    return getattr(request, LOW_STOCK_COUNT)
