from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from crm.pipelines import ensure_default_pipeline

        post_migrate.connect(ensure_default_pipeline, sender=self, dispatch_uid="gudang_default_pipeline")
