"""Report figures shown outside the reports: `{% load report_tags %}`."""

from django import template

from reports.access import report_scope
from reports.selectors.low_stock import low_stock_count

register = template.Library()


@register.simple_tag(takes_context=True)
def low_stock_badge(context) -> int:
    """How many product × warehouse pairs of the user's warehouses are below their minimum (one
    query; the sidebar shows it only to those who see the reports)."""
    return low_stock_count(warehouse_ids=report_scope(context["request"].user))
