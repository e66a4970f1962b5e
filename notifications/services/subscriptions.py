"""What a user asks to be notified about: a product, or every product of a category."""

from django.db import transaction

from accounts.catalogue import VIEW_INVENTORY, VIEW_PRODUCT
from accounts.permissions import Actor, acting_user, require
from accounts.services.profiles import profile_of
from inventory.models import Category, Product
from notifications.models import Notification, Subscription
from notifications.tasks import send_low_stock_emails


def _set(by: Actor, on: bool, **target: Product | Category) -> bool:
    user = acting_user(by)
    require(user, VIEW_INVENTORY)
    require(user, VIEW_PRODUCT)
    if on:
        Subscription.objects.bulk_create([Subscription(user=user, **target)], ignore_conflicts=True)
    else:
        Subscription.objects.filter(user=user, **target).delete()
    return on


@transaction.atomic
def set_product_subscription(by: Actor, product: Product, *, on: bool) -> bool:
    """Subscribe `by` to `product` (`on`) or end that subscription; doing it twice changes
    nothing. Needs the products' page. Returns `on`."""
    return _set(by, on, product=product)


@transaction.atomic
def set_category_subscription(by: Actor, category: Category, *, on: bool) -> bool:
    """Subscribe `by` to every product of `category` (`on`) or end that subscription."""
    return _set(by, on, category=category)


@transaction.atomic
def end_subscription(by: Actor, subscription: Subscription) -> None:
    """End one of one's own subscriptions (from My account)."""
    Subscription.objects.filter(pk=subscription.pk, user=acting_user(by)).delete()


@transaction.atomic
def set_daily_digest(by: Actor, on: bool) -> bool:
    """Whether `by` gets one e-mail a day listing the new low-stock notifications instead of one
    e-mail each. Turned off, what was waiting for the digest is e-mailed now (by the worker).
    Returns `on`."""
    user = acting_user(by)
    profile = profile_of(user)
    if profile.daily_digest != on:
        profile.daily_digest = on
        profile.save(update_fields=["daily_digest"])
    if not on:
        waiting = list(Notification.objects.filter(user=user, emailed_at__isnull=True).values_list("pk", flat=True))
        if waiting:
            transaction.on_commit(lambda: send_low_stock_emails.enqueue(waiting))
    return on
