"""Services of the inventory section's settings: negative stock, reservations, the costing method."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.catalogue import CHANGE_RESERVATION_SETTINGS, MANAGE_INVENTORY_SETTINGS, NEGATIVE_TYPES
from accounts.permissions import Actor, require
from inventory.models import CostingMethod, InventorySettings
from inventory.models.costing import CostRecompute
from inventory.models.settings import ReservationMode
from inventory.services.recompute import queue_recompute
from inventory.tasks import recompute_costs

MIN_DAYS, MAX_DAYS = 1, 365


@transaction.atomic
def update_reservation_settings(*, by: Actor, mode: str, days: int, sell_unshipped: bool) -> InventorySettings:
    """Set how deals reserve stock (manually or on adding a product), for how many days, and
    whether winning a deal sells what is not yet shipped. Needs "Change reservation settings"."""
    require(by, CHANGE_RESERVATION_SETTINGS)
    errors: dict[str, list[str]] = {}
    if mode not in ReservationMode.values:
        errors["mode"] = [_("Choose one of the reservation modes.")]
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        limits = {"min": MIN_DAYS, "max": MAX_DAYS}
        errors["days"] = [_("Enter a whole number of days from %(min)d to %(max)d.") % limits]
    if errors:
        raise ValidationError(errors)
    InventorySettings.load()
    settings = InventorySettings.objects.select_for_update().get(pk=1)
    settings.reservation_mode = mode
    settings.reservation_days = days
    settings.sell_unshipped_on_won = bool(sell_unshipped)
    settings.save(update_fields=["reservation_mode", "reservation_days", "sell_unshipped_on_won"])
    return settings


@transaction.atomic
def update_negative_stock_settings(*, by: Actor, allowed: dict[str, bool]) -> InventorySettings:
    """Allow negative stock, or not, on documents of each type `allowed` names (write-offs,
    transfers, sales orders); other types keep their setting. Needs "Inventory section settings"."""
    require(by, MANAGE_INVENTORY_SETTINGS)
    unknown = sorted(set(allowed) - set(NEGATIVE_TYPES))
    if unknown:
        raise ValidationError(_("No negative stock setting for: %(types)s") % {"types": ", ".join(unknown)})
    InventorySettings.load()
    settings = InventorySettings.objects.select_for_update().get(pk=1)
    fields = [f"allow_negative_{doc_type}" for doc_type in allowed]
    for doc_type, allow in allowed.items():
        setattr(settings, f"allow_negative_{doc_type}", bool(allow))
    settings.save(update_fields=fields)
    return settings


def check_costing_method(method: str) -> None:
    """Raise a `ValidationError` ("method") unless `method` is a costing method other than
    the current one."""
    if method not in CostingMethod.values:
        raise ValidationError({"method": [_("Choose FIFO or moving average.")]})
    if method == InventorySettings.current_costing_method():
        raise ValidationError({"method": [_("This is the costing method already.")]})


@transaction.atomic
def change_costing_method(*, by: Actor, method: str) -> CostRecompute:
    """Make `method` the costing method: every cost is recomputed from the stock movements
    under it in the background (`inventory.tasks.recompute_costs`), and it becomes the method
    once done; documents can be processed meanwhile. Needs "Inventory section settings";
    refused for an unknown or the current method, and while a recompute is queued or running."""
    require(by, MANAGE_INVENTORY_SETTINGS)
    check_costing_method(method)
    recompute = queue_recompute(method, by=by)
    recompute_costs.enqueue(recompute.pk)
    return recompute
