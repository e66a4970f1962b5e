"""django-guardian's per-warehouse permissions, with direct foreign keys for fast joins."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


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
