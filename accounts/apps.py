from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.roles import ensure_default_roles

        post_migrate.connect(ensure_default_roles, sender=self, dispatch_uid="gudang_default_roles")
