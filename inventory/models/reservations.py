from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import quantity_field


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RELEASED = "released", _("released")
    CONSUMED = "consumed", _("shipped")


class Reservation(models.Model):
    """Stock held for a deal's product row in one warehouse until `reserved_until`.

    It counts against availability while it is active and not yet expired: an expired
    reservation stops counting at once (every query compares with the clock), and a background
    job later marks it released. Written only by `inventory.services.reservations`, under the
    lock of the balance it draws on.
    """

    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="reservations", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="reservations", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    reserved_until = models.DateTimeField(_("reserved until"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    deal_row = models.ForeignKey(
        "crm.DealRow",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name=_("deal row"),
    )
    deal = models.ForeignKey(
        "crm.Deal", on_delete=models.PROTECT, null=True, blank=True, related_name="reservations", verbose_name=_("deal")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
            models.UniqueConstraint(
                fields=["deal_row"],
                condition=Q(status="active"),
                name="one_active_reservation_per_deal_row",
            ),
        ]
        indexes = [
            models.Index(
                fields=["warehouse", "product", "reserved_until"],
                condition=Q(status="active"),
                name="active_reservations",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity} @ {self.warehouse}"


def counting() -> Q:
    """The reservations that count against availability now: active and not expired. "Now" is
    the application's clock, passed into the query (as every expiry comparison does)."""
    return Q(status=ReservationStatus.ACTIVE, reserved_until__gt=timezone.now())
