"""The "Notify me" switches of a product and of a category, and the subscriptions and digest
option of My account."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.catalogue import VIEW_PRODUCT
from inventory.access import inventory_view
from inventory.models import Category, Product
from notifications.forms.subscriptions import DigestForm, SubscriptionForm
from notifications.selectors.notifications import user_subscriptions
from notifications.services.subscriptions import (
    end_subscription,
    set_category_subscription,
    set_daily_digest,
    set_product_subscription,
)
from web.redirects import safe_next


def _wanted(request: HttpRequest) -> bool:
    form = SubscriptionForm(request.POST)
    return form.is_valid() and form.cleaned_data["on"]


@require_POST
@inventory_view(VIEW_PRODUCT)
def product_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    if set_product_subscription(request.user, product, on=_wanted(request)):
        messages.success(request, _("You will be notified when “%(name)s” runs low.") % {"name": product.name})
    else:
        messages.success(request, _("You will no longer be notified about “%(name)s”.") % {"name": product.name})
    return redirect(safe_next(request, reverse("inventory:product_detail", args=[product.pk])))


@require_POST
@inventory_view(VIEW_PRODUCT)
def category_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    if set_category_subscription(request.user, category, on=_wanted(request)):
        messages.success(
            request, _("You will be notified when a product of “%(name)s” runs low.") % {"name": category.name}
        )
    else:
        messages.success(
            request, _("You will no longer be notified about the category “%(name)s”.") % {"name": category.name}
        )
    return redirect(safe_next(request, reverse("inventory:product_list") + f"?category={category.pk}"))


@require_POST
def subscription_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one of one's own subscriptions (another user's is a 404)."""
    subscription = get_object_or_404(user_subscriptions(request.user), pk=pk)
    end_subscription(request.user, subscription)
    messages.success(request, _("The subscription is ended."))
    return redirect("my_account")


@require_POST
def digest(request: HttpRequest) -> HttpResponse:
    """The daily digest option of My account (a garbled value: not ticked)."""
    form = DigestForm(request.POST)
    on = set_daily_digest(request.user, form.is_valid() and form.cleaned_data["daily_digest"])
    messages.success(
        request, _("Low-stock e-mails now come once a day.") if on else _("Low-stock e-mails now come one at a time.")
    )
    return redirect("my_account")
