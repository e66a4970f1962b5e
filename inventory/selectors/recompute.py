"""Reads of the costing's recomputes (`inventory.models.costing.CostRecompute`)."""

from inventory.locks import recompute_runners
from inventory.models.costing import ACTIVE_STATUSES, CostRecompute, RecomputeStatus


def active_recompute() -> CostRecompute | None:
    """The recompute queued or running, if any (at most one is): not one shown as running whose
    runner has stopped (`inventory.services.recompute.fail_interrupted` marks it failed)."""
    recompute = CostRecompute.objects.filter(status__in=ACTIVE_STATUSES).first()
    if recompute is not None and recompute.status == RecomputeStatus.RUNNING and not recompute_runners([recompute.pk]):
        return None
    return recompute


def latest_recompute() -> CostRecompute | None:
    """The newest recompute, whatever its status."""
    return CostRecompute.objects.order_by("-id").first()
