"""The notifications page (the top bar's bell leads here): one's own, newest first; mark one
or all of them as read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.catalogue import VIEW_PRODUCT
from accounts.permissions import can
from notifications.filters.notifications import NotificationFilter
from notifications.selectors.notifications import user_notifications
from notifications.services.notifications import mark_all_read, mark_read
from web.redirects import safe_next

PER_PAGE = 50


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    filterset = NotificationFilter(request.GET or None, queryset=user_notifications(request.user))
    rows = filterset.qs if filterset.is_valid() else filterset.queryset
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "notifications": page.object_list,
            "links_products": can(request.user, VIEW_PRODUCT),
        },
    )


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of one's own notifications as read (another user's, or one about a warehouse
    one no longer sees, is a 404)."""
    notification = get_object_or_404(user_notifications(request.user), pk=pk)
    mark_read(request.user, notification)
    return redirect(safe_next(request, "notifications:list"))


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(safe_next(request, "notifications:list"))
