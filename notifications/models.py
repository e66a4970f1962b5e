"""Low-stock notifications: the alert state of each product × warehouse, the notifications
made when one goes below its minimum, and what users subscribed to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models.costing import VALUE_DIGITS
from inventory.models.quantities import QUANTITY_DECIMALS


class LowStockAlert(models.Model):
    """A product × warehouse whose going below its minimum has been notified: made (once, the
    unique pair deciding between concurrent transactions) when it goes below, deleted when it
    is back at or above its minimum, which re-arms it. Written only by
    `notifications.services.alerts.check_low_stock`."""

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE, related_name="+", db_index=False)
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("below minimum since"))

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="one_alert_per_warehouse_product"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id}"


class Notification(models.Model):
    """One user told that a product went below its minimum in a warehouse: what was available
    and the minimum at that moment. E-mailed by the worker (`notifications.tasks`) at once, or
    in the user's daily digest; `emailed_at` says when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"), db_index=False
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.CASCADE, related_name="+", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    available = models.DecimalField(_("available"), max_digits=VALUE_DIGITS, decimal_places=QUANTITY_DECIMALS)
    minimum = models.DecimalField(_("minimum"), max_digits=VALUE_DIGITS, decimal_places=QUANTITY_DECIMALS)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-id"], name="notifications_of_user"),
            # The bell's count: a user's unread ones.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="unread_notifications"),
            # What the worker still has to e-mail.
            models.Index(fields=["user", "id"], condition=Q(emailed_at__isnull=True), name="notifications_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.product_id} @ {self.warehouse_id}"


class Subscription(models.Model):
    """A user asked to be notified when a product, or any product of a category, goes below
    its minimum in a warehouse they see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"), db_index=False
    )
    product = models.ForeignKey(
        "inventory.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    category = models.ForeignKey(
        "inventory.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=True) ^ Q(category__isnull=True), name="subscription_to_one_thing"
            ),
            models.UniqueConstraint(
                fields=["user", "product"], condition=Q(product__isnull=False), name="one_subscription_per_product"
            ),
            models.UniqueConstraint(
                fields=["user", "category"], condition=Q(category__isnull=False), name="one_subscription_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.product_id or self.category_id}"
