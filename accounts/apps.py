from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.language import on_sign_in
        from accounts.roles import ensure_default_roles

        post_migrate.connect(ensure_default_roles, sender=self, dispatch_uid="gudang_default_roles")
        user_logged_in.connect(on_sign_in, dispatch_uid="gudang_user_language")
