from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import quantity_field


class StockBalance(models.Model):
    """What one warehouse holds of one product: a cache of the sum of its movements. What is
    reserved of it is not stored here but summed from the reservations that count
    (`inventory.models.reservations`), so an expired one stops counting at once.

    Written only by `inventory.services.stock`, on rows locked in key order.
    """

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="balances")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="balances")
    on_hand = quantity_field(_("on hand"), default=0)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["warehouse_id", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="one_balance_per_warehouse_product"),
        ]
        indexes = [models.Index(fields=["product", "warehouse"], name="balance_by_product")]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.on_hand}"


class StockMove(models.Model):
    """One change of one balance. Append-only: never updated or deleted (a trigger refuses it);
    cancelling a document writes reversing moves."""

    document = models.ForeignKey(
        "inventory.StockDocument", on_delete=models.PROTECT, related_name="moves", verbose_name=_("document")
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="moves", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="moves", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    balance_after = quantity_field(_("balance after"))
    is_reversal = models.BooleanField(_("reversal"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        indexes = [models.Index(fields=["product", "warehouse", "-id"], name="move_history")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="move_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.product} @ {self.warehouse}: {self.quantity:+}"
