"""API tokens in the admin, for an administrator with "Employee access settings": make one
for a user (shown once, on the page that answers the save), or revoke tokens. Through the
services; a token is never deleted (revoked ones stay, with who revoked them and when)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_mixins import SavedByService
from accounts.catalogue import MANAGE_ROLES
from accounts.permissions import can
from api.models import ApiToken
from api.services.tokens import create_token, revoke_token


class NewTokenForm(forms.ModelForm):
    user = forms.ModelChoiceField(label=gettext_lazy("User"), queryset=get_user_model().objects.filter(is_active=True))

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(SavedByService, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def _may(self, request) -> bool:
        return can(request.user, MANAGE_ROLES)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_module_permission(self, request):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewTokenForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_by_service(self, request, form, formsets, change):
        token, text = create_token(user=form.cleaned_data["user"], by=request.user, name=form.cleaned_data["name"])
        request.new_api_token = text  # shown by response_add, never stored
        return token

    def response_add(self, request, obj, post_url_continue=None):
        return TemplateResponse(
            request,
            "admin/api/apitoken/created.html",
            {**self.admin_site.each_context(request), "token": obj, "text": request.new_api_token, "opts": self.opts},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(token, by=request.user)
        messages.success(request, _("The selected tokens are revoked."))
