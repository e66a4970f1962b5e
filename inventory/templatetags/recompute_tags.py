"""The recompute of the costs running now, for pages that show values: `{% load recompute_tags %}`."""

from django import template

from inventory.access import shows_purchase_price
from inventory.models.costing import CostRecompute
from inventory.selectors.recompute import active_recompute

register = template.Library()


@register.simple_tag(takes_context=True)
def running_recompute(context) -> CostRecompute | None:
    """The recompute queued or running, for a user who sees values; None otherwise (nothing is
    asked for one who does not)."""
    request = context.get("request")
    if request is None or not shows_purchase_price(request.user):
        return None
    return active_recompute()
