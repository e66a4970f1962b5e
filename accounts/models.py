"""Roles, users' profiles, and django-guardian's per-warehouse permissions with direct foreign
keys for fast joins."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.catalogue import meta_permissions


class Role(Group):
    """A role is a Django group; this proxy gives roles their own admin and the access rights."""

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        permissions = meta_permissions("accounts")

    def __str__(self) -> str:
        return gettext(self.name)  # the default roles' names (accounts.catalogue) are translated


class Profile(models.Model):
    """A user's own preferences: the interface language (blank until the first sign-in) and how
    low-stock notifications are e-mailed. Made when first needed
    (`accounts.services.profiles.profile_of`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # Low-stock notifications by e-mail: one a day listing them (`notifications.tasks`), not one each.
    daily_digest = models.BooleanField(_("daily digest"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class WarehouseUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user permission on a warehouse")
        verbose_name_plural = _("user permissions on warehouses")


class WarehouseGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("role permission on a warehouse")
        verbose_name_plural = _("role permissions on warehouses")
