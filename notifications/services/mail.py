"""E-mailing low-stock notifications: one e-mail each, or one a day listing them (the user's
daily digest, `accounts.models.Profile.daily_digest`). Run by the worker (`notifications.tasks`),
through Django's mail API (`EMAIL_*` settings). An e-mail names only the warehouses the user
sees now, and never a price."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Profile
from notifications.access import sees_warehouse
from notifications.models import Notification


def _profile(user: User) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _takes_digest(user: User) -> bool:
    profile = _profile(user)
    return profile is not None and profile.daily_digest


def _send(user: User, notifications: list[Notification]) -> None:
    """One e-mail to `user` about `notifications`, in the user's language."""
    profile = _profile(user)
    with translation.override((profile.language if profile else "") or settings.LANGUAGE_CODE):
        if len(notifications) == 1:
            first = notifications[0]
            subject = _("Low stock: %(product)s in %(warehouse)s") % {
                "product": first.product.name,
                "warehouse": first.warehouse.name,
            }
        else:
            count = len(notifications)
            subject = ngettext(
                "Low stock: %(count)d product below its minimum",
                "Low stock: %(count)d products below their minimum",
                count,
            ) % {"count": count}
        body = render_to_string("notifications/email.txt", {"user": user, "notifications": notifications})
    send_mail(subject, body, None, [user.email])


def _pending(condition: Q) -> list[Notification]:
    """The notifications matching `condition` not e-mailed yet, locked (a second run skips
    them), oldest first, with their user, product and warehouse."""
    return list(
        Notification.objects.filter(condition, emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user__profile", "product", "warehouse")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("user_id", "id")
    )


def _send_grouped(notifications: Iterable[Notification]) -> int:
    """E-mail each user their notifications (those about warehouses they still see) in one
    e-mail, mark them e-mailed; returns how many e-mails went."""
    by_user: dict[int, list[Notification]] = {}
    for notification in notifications:
        if sees_warehouse(notification.user, notification.warehouse):
            by_user.setdefault(notification.user_id, []).append(notification)
    for group in by_user.values():
        _send(group[0].user, group)
    sent = [n.pk for group in by_user.values() for n in group]
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(by_user)


@transaction.atomic
def send_notification_emails(ids: Iterable[int]) -> int:
    """E-mail the notifications `ids`, one e-mail each, to users who do not take the daily
    digest (theirs wait for it). Returns how many e-mails went."""
    pending = [n for n in _pending(Q(pk__in=list(ids))) if not _takes_digest(n.user)]
    sent = 0
    for notification in pending:
        sent += _send_grouped([notification])
    return sent


@transaction.atomic
def send_daily_digests() -> int:
    """E-mail each user who takes the daily digest one e-mail listing their notifications not
    e-mailed yet. Returns how many e-mails went."""
    return _send_grouped(_pending(Q(user__profile__daily_digest=True)))
