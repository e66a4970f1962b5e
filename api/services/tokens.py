"""API tokens: made and revoked by their user (My account) or by an administrator (one who
holds "Employee access settings", in the admin). A token is shown once, when made; only its
SHA-256 is stored, so a lost token cannot be shown again: revoke it and make another."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.catalogue import MANAGE_ROLES
from accounts.permissions import Actor, acting_user, can, require
from api.models import ApiToken
from inventory.validation import field_errors

TOKEN_PREFIX = "gdg_"
SHOWN_CHARACTERS = 8  # after TOKEN_PREFIX: what lists show to tell tokens apart


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def require_token_owner_or_administrator(by: Actor, user: User) -> None:
    """A user manages their own tokens; "Employee access settings" manages anyone's."""
    if not (acting_user(by).pk == user.pk or can(by, MANAGE_ROLES)):
        require(by, MANAGE_ROLES)


@transaction.atomic
def create_token(*, user: User, by: Actor, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user` named `name`; returns it and the token text, which is not
    kept (show it to the user once)."""
    require_token_owner_or_administrator(by, user)
    if not user.is_active:
        raise ValidationError({"user": _("This user is inactive; an inactive user cannot use the API.")})
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=text[: len(TOKEN_PREFIX) + SHOWN_CHARACTERS],
        key_hash=token_hash(text),
        created_by=acting_user(by),
    )
    errors = field_errors(
        token,
        exclude=["user", "created_by", "revoked_by"],
        messages={("name", "blank"): _("Enter a name for the token, such as “Online shop”.")},
    )
    if errors:
        raise ValidationError(errors)
    token.save()
    return token, text


@transaction.atomic
def revoke_token(token: ApiToken, *, by: Actor) -> ApiToken:
    """Revoke a token: from now on it is refused. Revoking a revoked token changes nothing."""
    current = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    require_token_owner_or_administrator(by, current.user)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.revoked_by = acting_user(by)
        current.save(update_fields=["revoked_at", "revoked_by"])
    return current


# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def note_use(token: ApiToken) -> None:
    """Record that the token was just used (at most once a minute: one UPDATE then)."""
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at >= now - LAST_USED_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    token.last_used_at = now
