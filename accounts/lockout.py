"""The sign-in lockout as the user sees it, and the client's address behind the TLS proxy.

django-axes counts failed sign-ins per username + address (settings: AXES_*). When a pair is
locked out, axes' middleware calls `lockout_response` instead of showing its bare default page:
the login page again, with the reason, answered 429 Too Many Requests.
"""

import ipaddress
import math

from axes.conf import settings as axes_settings  # Django's settings, with axes' defaults added
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from web.redirects import safe_next


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 15
    return ngettext(
        "Too many failed sign-ins for this account from your address. Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this account from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login form, the username kept, with the lockout message."""
    username = get_client_username(request, credentials) or ""
    next_url = safe_next(request, "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "next": next_url, "lockout_message": lockout_message(request)}
    return render(request, "registration/login.html", context, status=429)


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username tried (from the credentials, else the form), as
    axes reads it, cut to what it stores: Django's sign-in forms let a username longer than
    any user's through, and storing it was a database error."""
    data = credentials or getattr(request, "data", request.POST)
    username = data.get(axes_settings.AXES_USERNAME_FORM_FIELD)
    return username[: AccessAttempt._meta.get_field("username").max_length] if username else username


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE with BEHIND_TLS_PROXY=1: the address the proxy saw.

    The proxy appends the address it was connected from to X-Forwarded-For; entries left of it
    came from the client and can be anything, so only the right-most one is trusted. Without a
    usable header (a request that did not pass the proxy) the connection's own address is used.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[-1].strip() if forwarded else ""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
