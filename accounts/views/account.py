"""A user's own pages: My account (language, password, API tokens, low-stock subscriptions),
and the top bar's language switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from accounts.language import use_language
from accounts.permissions import acting_user
from accounts.services import profiles
from api.selectors.tokens import active_tokens
from api.services.tokens import create_token, revoke_token
from notifications.forms.subscriptions import DigestForm
from notifications.selectors.notifications import user_subscriptions
from web.errors import error_text


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """The top bar's language switch: Django's own (the language cookie, for anyone), and for a
    signed-in user the profile and the session too. An unknown code changes nothing."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        code = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
        try:
            profiles.set_language(request.user, code)
        except ValidationError:
            return response
        use_language(request, code)
    return response


@require_http_methods(["GET", "POST"])
def my_account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are, their language, and the way to change the
    password."""
    if request.method == "POST":
        code = request.POST.get("language", "")
        try:
            profiles.set_language(acting_user(request.user), code)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            use_language(request, code)
            messages.success(request, _("Your language is saved."))
        return redirect("my_account")
    return _account_page(request)


def _account_page(request: HttpRequest, **extra) -> HttpResponse:
    user = acting_user(request.user)
    context = {
        "api_tokens": active_tokens(user),
        "subscriptions": user_subscriptions(user),
        "digest_form": DigestForm(initial={"daily_digest": profiles.profile_of(user).daily_digest}),
    }
    return render(request, "accounts/my_account.html", {**context, **extra})


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Make an API token for oneself and show it, once, on the page this answers with (not
    after a redirect: the token is never kept, not even in a message)."""
    try:
        token, text = create_token(user=acting_user(request.user), by=request.user, name=request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("my_account")
    return _account_page(request, new_token=text, new_token_name=token.name)


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's own tokens (another user's is a 404)."""
    token = get_object_or_404(active_tokens(acting_user(request.user)), pk=pk)
    revoke_token(token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked; it no longer signs in.") % {"name": token.name})
    return redirect("my_account")
