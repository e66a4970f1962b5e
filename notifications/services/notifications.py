"""Reading one's notifications: mark one, or all, as read."""

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor, acting_user
from notifications.models import Notification


@transaction.atomic
def mark_read(by: Actor, notification: Notification) -> None:
    """Mark one of one's own notifications as read (already read: unchanged)."""
    Notification.objects.filter(pk=notification.pk, user=acting_user(by), read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def mark_all_read(by: Actor) -> int:
    """Mark every unread notification of one's own as read; returns how many."""
    return Notification.objects.filter(user=acting_user(by), read_at__isnull=True).update(read_at=timezone.now())
