from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from accounts.passwords import PasswordChangeForm, SignInForm
from accounts.views.account import api_token_create, api_token_revoke, my_account, set_language
from web.views import home

# The admin's titles in the user's language ("Django administration" otherwise).
admin.site.site_header = _("Gudang administration")
admin.site.site_title = _("Gudang administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", home, name="home"),
    # Sign-in, sign-out and changing one's password; no self-service reset by e-mail (an
    # administrator sets a forgotten password in the admin).
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", my_account, name="my_account"),
    path("accounts/me/api-tokens/", api_token_create, name="api_token_create"),
    path("accounts/me/api-tokens/<int:pk>/revoke/", api_token_revoke, name="api_token_revoke"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Django's language switch, which also stores a signed-in user's choice on the profile.
    path("i18n/setlang/", set_language, name="set_language"),
    # The texts of static/js/ in the user's language (gettext() in the scripts).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("inventory/", include("inventory.urls")),
    path("crm/", include("crm.urls")),
    path("settings/forms/", include("layouts.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/import/", include("imports.urls")),
    path("api/v1/", include("api.urls")),
    path("history/", include("history.urls")),
]
