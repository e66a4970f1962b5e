"""One's notifications, limited to the warehouses one sees now (`notifications.access`)."""

from django.db.models import QuerySet

from accounts.permissions import Actor
from notifications.access import notification_scope
from notifications.models import Notification, Subscription


def user_notifications(user: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications about warehouses they see, newest first, with product and
    warehouse (one query per page)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    rows = Notification.objects.filter(user_id=user.pk)
    scope = notification_scope(user)
    if scope is not None:
        rows = rows.filter(warehouse_id__in=scope)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.select_related("product", "warehouse").order_by("-id")


def unread_count(user: Actor) -> int:
    """How many of `user_notifications` are unread: the bell's figure (one query)."""
    return user_notifications(user, unread_only=True).count()


def user_subscriptions(user: Actor) -> QuerySet[Subscription]:
    """The user's subscriptions with their product or category, products first, by name."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user_id=user.pk)
        .select_related("product", "category")
        .order_by("category__name", "product__name", "id")
    )


def subscribed_to(user: Actor, **target: int) -> bool:
    """Whether the user is subscribed to the product or category `target` names
    (`product_id=…` or `category_id=…`)."""
    return user.is_authenticated and Subscription.objects.filter(user_id=user.pk, **target).exists()
