"""Reads of the costing's recomputes (`inventory.models.costing.CostRecompute`)."""

from inventory.models.costing import ACTIVE_STATUSES, CostRecompute


def active_recompute() -> CostRecompute | None:
    """The recompute queued or running, if any (at most one is)."""
    return CostRecompute.objects.filter(status__in=ACTIVE_STATUSES).first()


def latest_recompute() -> CostRecompute | None:
    """The newest recompute, whatever its status."""
    return CostRecompute.objects.order_by("-id").first()
