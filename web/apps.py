from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Site-wide web pieces every app uses: the menu, template tags, view helpers."""

    name = "web"
    verbose_name = _("Web")
