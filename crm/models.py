from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import meta_permissions


class Company(models.Model):
    """A business partner: a supplier that receipts come from, a client that orders ship to, or both."""

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax ID"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_client = models.BooleanField(_("client"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        indexes = [models.Index(Lower("name"), name="company_name_lower")]
        permissions = meta_permissions("crm")

    def __str__(self) -> str:
        return self.name
