"""The admin's "History" page of products, warehouses, roles, the inventory settings and form
layouts shows their change history (instead of Django's log of admin actions), with the same
rights and scope as the app's History tab: "View change history", and an object the user may
see in the admin."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from history.selectors import Source, history
from history.views import may_view_history


class ChangeHistoryAdmin:
    """Mix into a ModelAdmin that defines `history_sources(request, obj) -> list[Source]`
    (`history.selectors`): the sources of the object's history as that user sees it."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (self.has_view_or_change_permission(request, obj) and may_view_history(request.user)):
            raise PermissionDenied
        sources: list[Source] = self.history_sources(request, obj)
        page_obj, entries = history(sources, request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "page_obj": page_obj,
            "entries": entries,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/history/object_history.html", context)
