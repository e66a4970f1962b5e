"""The start page: wherever the user's menu begins."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from web.menu import start_url


def home(request):
    url = start_url(request.user)
    if url is None:
        raise PermissionDenied(_("Your account has no access to any page yet; ask an administrator for a role."))
    return redirect(url)
