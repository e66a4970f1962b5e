from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import money_field, quantity_field


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    PIECE = "pcs", _("piece")
    BOX = "box", _("box")
    KILOGRAM = "kg", _("kilogram")
    GRAM = "g", _("gram")
    LITRE = "l", _("litre")
    METRE = "m", _("metre")
    PACK = "pack", _("pack")


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, db_index=True)  # unique ignoring case: see Meta
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit of measure"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    purchase_price = money_field(_("purchase price"), default=Decimal("0"))
    selling_price = money_field(_("selling price"), default=Decimal("0"))
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [GinIndex(fields=["custom"], opclasses=["jsonb_path_ops"], name="product_custom")]
        constraints = [
            models.CheckConstraint(condition=Q(purchase_price__gte=0), name="product_purchase_price_not_negative"),
            models.CheckConstraint(condition=Q(selling_price__gte=0), name="product_selling_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="product_vat_rate_range"),
            # CASE-1 and case-1 are one SKU; the index also serves sku__iexact.
            models.UniqueConstraint(
                Upper("sku"),
                name="product_sku_unique_ignoring_case",
                violation_error_message=_(
                    "This SKU is already used by another product (upper and lower case count as the same)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"


class Barcode(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")
    code = models.CharField(_("barcode"), max_length=64, db_index=True)  # unique ignoring case: see Meta

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="barcode_code_unique_ignoring_case",
                violation_error_message=_(
                    "This barcode already belongs to another product (upper and lower case count as the same)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.code


class MinimumStock(models.Model):
    """The level below which a product counts as low stock in one warehouse."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="minimum_levels")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.CASCADE, related_name="+")
    quantity = quantity_field(_("minimum stock"))

    class Meta:
        verbose_name = _("minimum stock level")
        verbose_name_plural = _("minimum stock levels")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="one_minimum_per_product_warehouse"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="minimum_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.quantity}"
