from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import BooleanField, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from inventory.models.catalog import MinimumStock
from inventory.models.costing import VALUE_DIGITS, value_field
from inventory.models.quantities import QUANTITY_DECIMALS, QUANTITY_DIGITS, quantity_field
from inventory.models.reservations import Reservation

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS))


def reserved_quantity(warehouse, product):
    """What counting reservations hold of `product` in `warehouse` (values or expressions such as
    `OuterRef`), zero when none: a subquery for annotations."""
    held = (
        Reservation.objects.counting()
        .filter(warehouse_id=warehouse, product_id=product)
        .order_by()
        .values("warehouse_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(held), ZERO)


def annotate_available(queryset, *, warehouse=None, product=None):
    """The one definition of what is available: `queryset` (whose rows have `on_hand`) annotated
    with `reserved`, what counting reservations hold of `product` in `warehouse` (default: the
    row's `warehouse_id` and `product_id`), and `available` = on hand − reserved."""
    warehouse = OuterRef("warehouse_id") if warehouse is None else warehouse
    product = OuterRef("product_id") if product is None else product
    return queryset.annotate(reserved=reserved_quantity(warehouse, product)).annotate(
        available=F("on_hand") - F("reserved")
    )


def below_minimum() -> Q:
    """The one definition of "below minimum", on rows annotated with `available` and `minimum`
    (None: no minimum level set): a minimum is set and less than it is available."""
    return Q(minimum__isnull=False, available__lt=F("minimum"))


def minimum_level(warehouse, product):
    """The minimum level of `product` in `warehouse` (values or expressions), None when not set:
    a subquery for annotations."""
    return Subquery(MinimumStock.objects.filter(warehouse_id=warehouse, product_id=product).values("quantity")[:1])


def annotate_minimum(queryset, minimum):
    """`queryset` (annotated with `available`) annotated with `minimum` (an expression, e.g.
    `minimum_level(...)`) and `is_below_minimum` (`below_minimum()`)."""
    return queryset.annotate(minimum=minimum).annotate(
        is_below_minimum=ExpressionWrapper(below_minimum(), output_field=BooleanField())
    )


class StockBalanceQuerySet(models.QuerySet):
    def with_available(self) -> "StockBalanceQuerySet":
        """Balances with `reserved` and `available` (`annotate_available`)."""
        return annotate_available(self)

    def with_minimum(self) -> "StockBalanceQuerySet":
        """Balances annotated with `available` (`with_available` first) with `minimum` and
        `is_below_minimum` (`annotate_minimum`)."""
        return annotate_minimum(self, minimum_level(OuterRef("warehouse_id"), OuterRef("product_id")))


class StockBalance(models.Model):
    """What one warehouse holds of one product: a cache of the sum of its movements. What is
    reserved of it is not stored here but summed from the reservations that count
    (`inventory.models.reservations`), so an expired one stops counting at once.

    Written only by `inventory.services.stock`, on rows locked in key order.
    """

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="balances")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="balances")
    on_hand = quantity_field(_("on hand"), default=0)
    # What it is worth (inventory.services.costing): the sum of its layers' remaining values.
    value = value_field(_("stock value"), default=0)
    # Its open cost layers (`CostLayer`, remainder not zero), oldest first: their ids, their
    # remainders and their remaining values. Kept here, not on the layers, so that processing
    # reads them with the balance's lock and writes them with its update: one row per balance
    # instead of one per layer taken from (`inventory.services.costing`). A layer not listed
    # here has nothing left.
    layer_ids = ArrayField(models.BigIntegerField(), verbose_name=_("open cost layers"), default=list, blank=True)
    layer_remaining = ArrayField(
        quantity_field(_("remaining quantity")),
        verbose_name=_("remainders of the open cost layers"),
        default=list,
        blank=True,
    )
    layer_values = ArrayField(
        value_field(_("remaining value")),
        verbose_name=_("remaining values of the open cost layers"),
        default=list,
        blank=True,
    )

    objects = StockBalanceQuerySet.as_manager()

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
        indexes = [
            models.Index(fields=["product", "warehouse", "-id"], name="move_history"),
            # A document's reversals (few: only cancelling writes them), so that "the movements
            # after its last reversal" (its last processing) is one probe into a small index.
            models.Index(fields=["document", "id"], condition=Q(is_reversal=True), name="move_reversals"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="move_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.product} @ {self.warehouse}: {self.quantity:+}"


class StockDay(models.Model):
    """What one business day's documents (`StockDocument.date`) moved of one balance: in and out,
    quantity and value. Kept by `inventory.services.stock.apply_movements` in the statement that
    writes the movements, under the balance's lock, so it never falls behind; a reversal counts
    against the side its movement was on, so a cancelled document counts for nothing on any day.
    The sum of a balance's days is the balance (`inventory.selectors.ledger.stock_day_drift`);
    the reports add them up for past dates and periods. Rebuilt from the ledger by
    `inventory.services.stock_days.rebuild_stock_days` (after a change of costing method)."""

    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+", db_index=False)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField(_("date"))
    # Wider than a balance: a day may move in and out more than a balance can hold.
    quantity_in = models.DecimalField(
        _("quantity in"), max_digits=VALUE_DIGITS, decimal_places=QUANTITY_DECIMALS, default=0
    )
    quantity_out = models.DecimalField(
        _("quantity out"), max_digits=VALUE_DIGITS, decimal_places=QUANTITY_DECIMALS, default=0
    )
    value_in = value_field(_("value in"), default=0)
    value_out = value_field(_("value out"), default=0)

    class Meta:
        verbose_name = _("daily stock change")
        verbose_name_plural = _("daily stock changes")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product", "day"], name="one_stock_day_per_balance"),
        ]
        indexes = [
            models.Index(fields=["day", "warehouse", "product"], name="stock_days_by_day"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id} {self.day}: +{self.quantity_in} −{self.quantity_out}"


# Revenue: a line's quantity × price (QUANTITY_DECIMALS + money's two decimals), summed.
REVENUE_DIGITS, REVENUE_DECIMALS = VALUE_DIGITS + QUANTITY_DECIMALS, QUANTITY_DECIMALS + 2


class SalesDay(models.Model):
    """What one business day's processed sales orders (`StockDocument.date`) sold of one balance
    to one client in one currency, less what the day's returns brought back: the lines' quantity
    and revenue (quantity × price), the COGS (− the movements' values) and how many of the
    movements have no value yet. Kept by `inventory.services.stock.apply_movements` in the
    statement that writes an order's or a return's movements (under the balance's lock);
    cancelling subtracts what the document's last processing added, so the rows are the last
    processing of every processed order and return, what the gross profit report shows.
    Rebuilt from the ledger by `inventory.services.stock_days.rebuild_sales_days` (after a
    change of costing method); `inventory.selectors.ledger.sales_day_drift` compares."""

    day = models.DateField(_("date"))
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+", db_index=False)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+", db_index=False)
    client = models.ForeignKey("crm.Company", on_delete=models.PROTECT, related_name="+", null=True, db_index=False)
    currency = models.CharField(_("currency"), max_length=3)
    quantity = models.DecimalField(_("quantity"), max_digits=VALUE_DIGITS, decimal_places=QUANTITY_DECIMALS, default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=REVENUE_DIGITS, decimal_places=REVENUE_DECIMALS, default=0)
    cogs = value_field(_("COGS"), default=0)
    unvalued = models.IntegerField(_("movements without a value"), default=0)

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        indexes = [
            # The gross profit report by product reads a period's rows in product order from it
            # alone (an index-only scan: no sort of the period's rows before grouping them).
            models.Index(
                fields=["product", "day"],
                include=["warehouse", "currency", "quantity", "revenue", "cogs", "unvalued"],
                name="sales_day_product_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "warehouse", "product", "client", "currency"],
                name="one_sales_day_per_balance_client",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id} {self.day} → {self.client_id}: {self.quantity}"
