"""API authentication by token: `Authorization: Bearer <token>` (or `Token <token>`)."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.selectors.tokens import token_for
from api.services.tokens import note_use
from history.services import note_actor

SCHEMES = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    """A per-user token made on "My account" (or by an administrator). `request.auth` is the
    `ApiToken`; a revoked token, or one of an inactive user, is refused (401)."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower().decode("latin-1") not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            text = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid or has been revoked.")) from None
        token = token_for(text) if text.isprintable() and len(text) < 200 else None
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or has been revoked."))
        note_use(token)
        note_actor(token.user)  # the change history's actor of this request
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


def is_token(auth) -> bool:
    return isinstance(auth, ApiToken)
