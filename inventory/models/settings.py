from django.db import models
from django.utils.translation import gettext_lazy as _


class InventorySettings(models.Model):
    """The inventory section's settings: a single row (id 1), created by the first migration."""

    allow_negative_write_off = models.BooleanField(_("allow negative stock on write-offs"), default=False)
    allow_negative_transfer = models.BooleanField(_("allow negative stock on transfers"), default=False)
    allow_negative_sales_order = models.BooleanField(_("allow negative stock on sales orders"), default=False)

    class Meta:
        verbose_name = _("inventory settings")
        verbose_name_plural = _("inventory settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="inventory_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Inventory settings"))

    @classmethod
    def load(cls) -> "InventorySettings":
        return cls.objects.get_or_create(id=1)[0]

    def allows_negative(self, doc_type: str) -> bool:
        return bool(getattr(self, f"allow_negative_{doc_type}", False))
