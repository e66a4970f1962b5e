"""The role editor: roles (Django groups) with the permission catalogue as a matrix, and an
overview of every role's grants. Only users who may manage roles (`MANAGE_ROLES`)
open these pages; the writes go through the services in `accounts.roles`. Django's user admin
shows each user's interface language too."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin  # (importing it registers Group and User, replaced below)
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import SaveRefusedAsMessage
from accounts.catalogue import MANAGE_ROLES, RIGHTS
from accounts.forms import RoleForm
from accounts.models import Profile, Role, WarehouseGroupPermission
from accounts.permissions import can
from accounts.roles import check_administrators_remain, delete_role, save_role_grants
from history.admin import ChangeHistoryAdmin
from history.selectors import role_sources

# Roles are edited in one place: here, with the catalogue, not in the stock group admin.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class ProfileInline(admin.StackedInline):
    """The user's profile (the interface language) on the user's page: whoever may see or
    change the user may see or change it."""

    model = Profile
    fields = ["language"]
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("auth.view_user") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")


class GudangUserAdmin(UserAdmin):
    """Django's user admin, with the user's profile."""

    inlines = [ProfileInline]


admin.site.unregister(User)
admin.site.register(User, GudangUserAdmin)


def may_manage_roles(request) -> bool:
    return can(request.user, MANAGE_ROLES)


@admin.register(Role)
class RoleAdmin(ChangeHistoryAdmin, SaveRefusedAsMessage, admin.ModelAdmin):
    form = RoleForm
    fieldsets = [(None, {"fields": ["name", "members"]})]
    list_display = ["__str__", "member_count"]
    search_fields = ["name"]
    ordering = ["name"]

    # -- access: the catalogue's right, not Django's model permissions ---------------------------
    def has_module_permission(self, request):
        return may_manage_roles(request)

    def has_view_permission(self, request, obj=None):
        return may_manage_roles(request)

    def has_add_permission(self, request):
        return may_manage_roles(request)

    def has_change_permission(self, request, obj=None):
        return may_manage_roles(request)

    def has_delete_permission(self, request, obj=None):
        return may_manage_roles(request)

    def get_actions(self, request):
        # Roles are deleted one at a time, from their page, where the last-administrator check
        # can answer with a message.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("user", distinct=True))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    def history_sources(self, request, obj):
        return role_sources(obj.pk)

    # -- saving and deleting through the services ------------------------------------------------
    def save_model(self, request, obj, form, change):
        save_role_grants(
            obj,
            by=request.user,
            global_perms=form.global_perms,
            per_warehouse=form.per_warehouse,
            members=form.member_list,
        )

    def save_related(self, request, form, formsets, change):
        """The members were saved with the grants; the form has no other relations."""

    def delete_view(self, request, object_id, extra_context=None):
        role = self.get_object(request, object_id)
        if role is not None and self.has_delete_permission(request, role):
            try:
                check_administrators_remain(role=role, keeps_right=False)
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
                return HttpResponseRedirect(reverse("admin:accounts_role_change", args=[role.pk]))
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return HttpResponseRedirect(reverse("admin:accounts_role_change", args=[object_id]))

    def delete_model(self, request, obj):
        delete_role(obj, by=request.user)

    # -- the overview: roles × rights -------------------------------------------------------------
    def get_urls(self):
        overview = path("overview/", self.admin_site.admin_view(self.overview_view), name="accounts_role_overview")
        return [overview, *super().get_urls()]

    def overview_view(self, request: HttpRequest) -> TemplateResponse:
        """Every catalogue right (rows, by section) against every role (columns): ✓ for a
        right held, "all" or the chosen warehouses' names for a per-warehouse one. Three
        queries whatever the number of roles."""
        if not may_manage_roles(request):
            raise PermissionDenied
        permissions = Permission.objects.select_related("content_type")
        roles = list(Role.objects.order_by("name").prefetch_related(Prefetch("permissions", queryset=permissions)))
        chosen: dict[tuple[int, str], list[str]] = {}
        rows = (
            WarehouseGroupPermission.objects.filter(group__in=[role.pk for role in roles])
            .order_by("content_object__name", "content_object_id")
            .values_list(
                "group_id",
                "permission__content_type__app_label",
                "permission__codename",
                "content_object__name",
            )
        )
        for group_id, app_label, codename, warehouse in rows:
            chosen.setdefault((group_id, f"{app_label}.{codename}"), []).append(warehouse)
        held = {role.pk: {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()} for role in roles}
        all_label, yes = gettext("all"), "✓"
        sections: list[tuple[str, list]] = []
        for right in RIGHTS:
            if not sections or sections[-1][0] != gettext(right.section):
                sections.append((gettext(right.section), []))
            cells = []
            for role in roles:
                if right.name in held[role.pk]:
                    cells.append(all_label if right.per_warehouse else yes)
                else:
                    cells.append(", ".join(chosen.get((role.pk, right.name), [])))
            sections[-1][1].append((gettext(right.label), cells))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Roles and permissions"),
            "roles": roles,
            "sections": sections,
            "marks": {yes, all_label},
        }
        return TemplateResponse(request, "admin/accounts/role/overview.html", context)
