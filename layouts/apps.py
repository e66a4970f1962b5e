from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class LayoutsConfig(AppConfig):
    name = "layouts"
    verbose_name = _("Form layouts")

    def ready(self):
        from layouts.services import ensure_layouts

        autodiscover_modules("form_layouts")  # each app's registrations
        post_migrate.connect(ensure_layouts, sender=self, dispatch_uid="gudang_form_layouts")
