from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import meta_permissions


class Warehouse(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    address = models.TextField(_("address"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible employee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name", "id"]
        # The inventory rights of the access catalogue live here, so that the per-warehouse
        # ones can be granted on a chosen warehouse (django-guardian needs its content type).
        permissions = meta_permissions("inventory")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_warehouse"),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True), name="default_warehouse_is_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name
