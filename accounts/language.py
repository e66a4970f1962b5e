"""The interface language of a signed-in user, on every device.

The language is stored on the user's profile. At sign-in it is copied into the session (a user
who has none stored yet keeps the language the sign-in page was shown in: the language cookie,
else the browser's Accept-Language, as Django's LocaleMiddleware chooses), and
`UserLanguageMiddleware` activates the session's language on each of the user's requests, with
no query of its own. Anonymous pages follow the browser, as LocaleMiddleware decides.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.services.profiles import language_at_sign_in

SESSION_KEY = "gudang_language"


def activate(request: HttpRequest, code: str) -> None:
    """Show the rest of this request in `code`."""
    translation.activate(code)
    request.LANGUAGE_CODE = code


def use_language(request: HttpRequest, code: str) -> None:
    """Show this request, and the session's next ones, in `code`."""
    request.session[SESSION_KEY] = code
    activate(request, code)


def adopt_user_language(request: HttpRequest, user: User) -> None:
    """The session takes the user's stored language (the first time, the browser's, stored)."""
    use_language(request, language_at_sign_in(user, translation.get_language_from_request(request)))


def on_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """`user_logged_in`: the new session speaks the user's language."""
    if request is not None:
        adopt_user_language(request, user)


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in user's requests are in the session's language
    (a session from before languages were stored takes it from the profile, once), and the
    language cookie follows it, so that the sign-in page after signing out speaks it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            code = request.session.get(SESSION_KEY)
            if code is None:
                adopt_user_language(request, request.user)
            else:
                activate(request, code)
        response = self.get_response(request)
        code = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if code and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
