from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from inventory.models.costing import CostingMethod


class ReservationMode(models.TextChoices):
    MANUAL = "manual", _("manually")
    ON_ADD = "on_add", _("on adding the product to a deal")


class InventorySettings(models.Model):
    """The inventory section's settings: a single row (id 1), created by the first migration."""

    allow_negative_write_off = models.BooleanField(_("allow negative stock on write-offs"), default=False)
    allow_negative_transfer = models.BooleanField(_("allow negative stock on transfers"), default=False)
    allow_negative_sales_order = models.BooleanField(_("allow negative stock on sales orders"), default=False)
    reservation_mode = models.CharField(
        _("reserve products"), max_length=8, choices=ReservationMode.choices, default=ReservationMode.ON_ADD
    )
    reservation_days = models.PositiveSmallIntegerField(
        _("reservation period, days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    sell_unshipped_on_won = models.BooleanField(_("sell unshipped products when the deal is won"), default=True)
    costing_method = models.CharField(
        _("costing method"), max_length=8, choices=CostingMethod.choices, default=CostingMethod.FIFO
    )

    class Meta:
        verbose_name = _("inventory settings")
        verbose_name_plural = _("inventory settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="inventory_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Inventory settings"))

    @classmethod
    def load(cls) -> "InventorySettings":
        return cls.objects.get_or_create(id=1)[0]

    @classmethod
    def has_negative_setting(cls, doc_type: str) -> bool:
        """Whether documents of `doc_type` have an "allow negative stock" setting at all."""
        return any(f.name == f"allow_negative_{doc_type}" for f in cls._meta.concrete_fields)

    @classmethod
    def negative_stock_allowed(cls, doc_type: str) -> bool:
        """`load().allows_negative(doc_type)` in one plain single-column read (a type without
        the setting asks nothing); the row is created, as `load` does, only if it is missing."""
        if not cls.has_negative_setting(doc_type):
            return False
        quote = connection.ops.quote_name
        column = next(f.column for f in cls._meta.concrete_fields if f.name == f"allow_negative_{doc_type}")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(column)} FROM {quote(cls._meta.db_table)} WHERE id = 1")
            row = cursor.fetchone()
        return bool(row[0]) if row is not None else cls.load().allows_negative(doc_type)

    @classmethod
    def current_costing_method(cls) -> str:
        """The costing method in one plain single-column read."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('costing_method')} FROM {quote(cls._meta.db_table)} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row is not None else cls.load().costing_method

    def allows_negative(self, doc_type: str) -> bool:
        return bool(getattr(self, f"allow_negative_{doc_type}", False))
