from datetime import UTC, datetime
from functools import cache
from typing import TypedDict

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import quantity_field


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RELEASED = "released", _("released")
    CONSUMED = "consumed", _("shipped")


def counting(at: datetime | None = None) -> Q:
    """The one definition of the reservations that count against availability: active and not
    expired at `at` (default: now). "Now" is the application's clock, passed into the query (as
    every expiry comparison does)."""
    return Q(status=ReservationStatus.ACTIVE, reserved_until__gt=at or timezone.now())


class Counting(TypedDict):
    """What a reservation annotated with `is_counting=ExpressionWrapper(counting(), …)` has."""

    is_counting: bool


class ReservationQuerySet(models.QuerySet):
    def counting(self) -> "ReservationQuerySet":
        """The reservations that count against availability now (`counting()`)."""
        return self.filter(counting())


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

    objects = ReservationQuerySet.as_manager()

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


# Stands for "now" while `counting()` is compiled to SQL; replaced by the clock at each use.
_CLOCK = datetime(2000, 1, 1, tzinfo=UTC)


@cache
def _counting_sql() -> tuple[str, tuple]:
    query = Reservation.objects.filter(counting(at=_CLOCK)).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, tuple(params)


def counting_sql() -> tuple[str, list]:
    """`counting()` as a SQL condition on the reservation table's columns, with its parameters
    (the clock read now), for raw SQL. Compiled from the ORM rule once per process."""
    sql, params = _counting_sql()
    now = timezone.now()
    return sql, [now if value == _CLOCK else value for value in params]
