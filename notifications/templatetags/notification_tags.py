"""The notifications outside their own pages: `{% load notification_tags %}`."""

from django import template

from notifications.selectors.notifications import subscribed_to, unread_count

register = template.Library()

UNREAD_COUNT = "_gudang_unread_notifications"


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the user's notifications are unread: the top bar's bell (one query, once per
    request)."""
    request = context["request"]
    if not hasattr(request, UNREAD_COUNT):
        setattr(request, UNREAD_COUNT, unread_count(request.user))
    return getattr(request, UNREAD_COUNT)


@register.inclusion_tag("notifications/_switch.html", takes_context=True)
def product_switch(context, product) -> dict:
    """The "Notify me" switch of a product's page."""
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "url_name": "notifications:product_subscription",
        "pk": product.pk,
        "on": subscribed_to(user, product_id=product.pk),
        "label": "product",
        "next": context["request"].get_full_path(),
    }


@register.inclusion_tag("notifications/_switch.html", takes_context=True)
def category_switch(context, category, compact: bool = False) -> dict:
    """The "Notify me" switch of a category (on a product's page, `compact` beside the
    category's name, and on the product list filtered by it)."""
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "url_name": "notifications:category_subscription",
        "pk": category.pk,
        "on": subscribed_to(user, category_id=category.pk),
        "label": "category",
        "name": category.name,
        "compact": compact,
        "next": context["request"].get_full_path(),
    }
