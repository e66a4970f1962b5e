"""Where an action sends the user back to: a `next` the page sent, if it is a path of this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's `next` (POST, else GET) when it is a local path ("/…" on this host), else
    `default`. Anything else (another site, `//host`, a scheme, a bare word that `redirect()`
    would take for a URL name) is ignored."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if local else default
