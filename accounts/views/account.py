"""A user's own pages: My account, and the top bar's language switch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from accounts.language import use_language
from accounts.permissions import acting_user
from accounts.services import profiles
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
    return render(request, "accounts/my_account.html")
