"""Read side of API tokens: a user's own list, and the token a request presents."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from api.models import ApiToken
from api.services.tokens import token_hash


def active_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that are not revoked, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-id")


def token_for(text: str) -> ApiToken | None:
    """The active token whose text this is, with its user; None when there is none."""
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(text), revoked_at__isnull=True).first()
