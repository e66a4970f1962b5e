"""Roles, and django-guardian's per-warehouse permissions with direct foreign keys for fast joins."""

from django.contrib.auth.models import Group
from django.db import models
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
