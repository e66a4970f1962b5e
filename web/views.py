"""Site-wide pages: the home page (the dashboard, or wherever the user's menu begins) and the
refused-form page."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reports.access import sees_dashboard
from reports.views.dashboard import dashboard
from web.menu import start_url


def home(request):
    """The dashboard for a user who sees a warehouse; anyone else goes to their start page."""
    if sees_dashboard(request.user):
        return dashboard(request)
    url = start_url(request.user)
    if url is None:
        raise PermissionDenied(_("Your account has no access to any page yet; ask an administrator for a role."))
    return redirect(url)


def csrf_failure(request, reason: str = ""):
    """A form refused for its missing or stale security token (Django's own page has inline
    styles the Content-Security-Policy blocks): the 403 page, saying what to do."""
    message = _(
        "The form was refused because its page was too old or cookies are blocked. "
        "Go back, reload the page and try again."
    )
    return render(request, "403.html", {"reason": message}, status=403)
