"""What stock is worth: per (warehouse, product), FIFO cost layers or one moving-average pool.

The ledger (`StockMove`) says how much moved; these tables say at what cost. They are written
by `inventory.services.costing` under the balance locks, in the transaction that writes the
movements, and can be rebuilt from the ledger at any time (a change of method does that):
unlike the movements, they are not history but a valuation of it.

- `CostLayer`: one incoming movement (FIFO), or the pool (average); a layer of negative
  quantity is a shortfall: stock sold that was not there (negative stock), booked at the last
  unit cost until stock arrives to cover it. What is left of the open ones is kept on their
  balance (`StockBalance.layer_ids`, `layer_remaining`, `layer_values`), read with its lock and
  written with its update; `CostLayer.objects.with_remaining()` reads it back.
- `LayerTake`: one movement's change of one layer (an outgoing movement takes quantity and
  value; an incoming one adds to the average pool or covers a shortfall).
- `MoveCost`: the value of a movement (negative when stock leaves: its cost of goods).
- `ValueAdjustment`: a change of value without quantity: when stock covers a shortfall, the
  difference between what the shortfall was booked at and what the stock that covered it cost.

Values are amounts of the default currency, to the cent; unit costs are derived, never stored
rounded: a take of part of a layer is worth `remaining value × quantity ÷ remaining`, rounded
half up to the cent, and the last take of a layer gets exactly what is left of its value.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from inventory.models.quantities import quantity_field

VALUE_DIGITS = 26  # quantity (15 digits) × price (14 digits) would not fit a money field
VALUE_DECIMALS = 2


def value_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, **kwargs)


class CostingMethod(models.TextChoices):
    FIFO = "fifo", _("FIFO (first in, first out)")
    AVERAGE = "average", _("moving average")


class CostLayerQuerySet(models.QuerySet):
    def with_remaining(self) -> "CostLayerQuerySet":
        """Layers annotated with `remaining` and `remaining_value`: what is left of them, as
        their balance lists it (zero for a layer it does not list: nothing is left of it)."""
        layer, balance = self.model._meta.db_table, apps.get_model("inventory", "StockBalance")._meta.db_table
        remaining, remaining_value = (
            RawSQL(
                f"COALESCE((SELECT b.{column}[array_position(b.layer_ids, {layer}.id)] FROM {balance} b "
                f"WHERE b.warehouse_id = {layer}.warehouse_id AND b.product_id = {layer}.product_id), 0)",
                [],
                output_field=output_field,
            )
            for column, output_field in (
                ("layer_remaining", quantity_field("remaining")),
                ("layer_values", value_field("remaining value")),
            )
        )
        return self.annotate(remaining=remaining, remaining_value=remaining_value)

    def open(self) -> "CostLayerQuerySet":
        """The layers with something left (`with_remaining` first)."""
        return self.exclude(remaining=0)


class CostLayer(models.Model):
    # Few indexes, for cheap writes: the warehouse and the product are found through the index
    # below, the document is never looked up from its layers (documents are never deleted, only
    # marked so); a layer is written once, when it is made (what is left of it is on its balance).
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+", db_index=False)
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="cost_layers", db_index=False
    )
    # The movement that made the layer: the incoming one, or the outgoing one of a shortfall.
    move = models.ForeignKey("inventory.StockMove", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "inventory.StockDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document"),
        db_index=False,
    )
    quantity = quantity_field(_("quantity"))
    value = value_field(_("value"))

    objects = CostLayerQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost layer")
        verbose_name_plural = _("cost layers")
        ordering = ["warehouse_id", "product_id", "id"]
        indexes = [
            models.Index(fields=["product", "warehouse", "-id"], name="cost_layer_history"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id}: {self.quantity} / {self.value}"


# The takes and the movement values, a few rows per document line, have no foreign key
# constraints in the database: checking them cost a fifth of a document's processing. What they
# point at cannot go away (movements are append-only, layers are only emptied, all of it together
# by the recompute) and they are written from the rows the same statements made; `check_ledger`
# checks every link (`inventory.selectors.ledger.broken_cost_links`).
class LayerTake(models.Model):
    move = models.ForeignKey(
        "inventory.StockMove", on_delete=models.PROTECT, related_name="layer_takes", db_constraint=False
    )
    layer = models.ForeignKey(
        CostLayer, on_delete=models.CASCADE, related_name="takes", db_index=False, db_constraint=False
    )
    quantity = quantity_field(_("quantity"))  # the change of the layer's remainder
    value = value_field(_("value"))  # the change of its value

    class Meta:
        verbose_name = _("layer take")
        verbose_name_plural = _("layer takes")
        indexes = [models.Index(fields=["layer", "id"], name="takes_of_layer")]

    def __str__(self) -> str:
        return f"{self.move_id} → {self.layer_id}: {self.quantity} / {self.value}"


class MoveCost(models.Model):
    move = models.OneToOneField(
        "inventory.StockMove", on_delete=models.PROTECT, primary_key=True, related_name="cost", db_constraint=False
    )
    value = value_field(_("value"))

    class Meta:
        verbose_name = _("movement value")
        verbose_name_plural = _("movement values")

    def __str__(self) -> str:
        return f"{self.move_id}: {self.value}"


class ValueAdjustment(models.Model):
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    # The movement whose stock covered the shortfall (or the reversal that undid the cover).
    move = models.ForeignKey("inventory.StockMove", on_delete=models.PROTECT, related_name="+")
    layer = models.ForeignKey(CostLayer, on_delete=models.CASCADE, related_name="adjustments")
    quantity = quantity_field(_("quantity"))  # of the shortfall covered (negative: uncovered again)
    value = value_field(_("value"))  # the change of stock value
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("value adjustment")
        verbose_name_plural = _("value adjustments")

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id}: {self.value}"


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


ACTIVE_STATUSES = (RecomputeStatus.QUEUED, RecomputeStatus.RUNNING)


class CostRecompute(models.Model):
    """One rebuild of the costing from the ledger (`inventory.services.recompute`), under
    `method`: what a change of costing method runs in the background, and its progress."""

    method = models.CharField(_("costing method"), max_length=8, choices=CostingMethod.choices)
    previous_method = models.CharField(_("previous costing method"), max_length=8, choices=CostingMethod.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=RecomputeStatus.choices, default=RecomputeStatus.QUEUED
    )
    moves_done = models.PositiveBigIntegerField(_("movements done"), default=0)
    moves_total = models.PositiveBigIntegerField(_("movements in all"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("cost recompute")
        verbose_name_plural = _("cost recomputes")
        ordering = ["-id"]
        constraints = [
            # At most one queued or running at a time.
            models.UniqueConstraint(
                models.Value(True), condition=Q(status__in=ACTIVE_STATUSES), name="one_active_cost_recompute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        """How far it is, 0–100 (rounded down: 100 only when every movement is done)."""
        return 100 * self.moves_done // self.moves_total if self.moves_total else 0
