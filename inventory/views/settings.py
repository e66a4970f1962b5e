"""The inventory section's settings pages: reservations, the costing method."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.catalogue import CHANGE_RESERVATION_SETTINGS, MANAGE_INVENTORY_SETTINGS
from inventory.access import inventory_view
from inventory.forms.settings import CostingMethodForm, ReservationSettingsForm
from inventory.models import CostingMethod, InventorySettings
from inventory.selectors.recompute import latest_recompute
from inventory.services.recompute import fail_interrupted
from inventory.services.settings import change_costing_method, check_costing_method, update_reservation_settings
from web.errors import add_service_errors


@require_http_methods(["GET", "POST"])
@inventory_view(CHANGE_RESERVATION_SETTINGS)
def reservation_settings(request: HttpRequest) -> HttpResponse:
    current = InventorySettings.load()
    initial = {
        "mode": current.reservation_mode,
        "days": current.reservation_days,
        "sell_unshipped": current.sell_unshipped_on_won,
    }
    form = ReservationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_reservation_settings(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Reservation settings saved."))
            return redirect("inventory:reservation_settings")
    return render(request, "inventory/settings/reservations.html", {"form": form})


@require_http_methods(["GET", "POST"])
@inventory_view(MANAGE_INVENTORY_SETTINGS)
def costing_settings(request: HttpRequest) -> HttpResponse:
    """Choose the method, confirm the recompute it starts; its progress while it runs."""
    current = InventorySettings.current_costing_method()
    form = CostingMethodForm(request.POST or None, initial={"method": current})
    chosen = None
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        try:
            if form.cleaned_data["confirm"]:
                change_costing_method(by=request.user, method=method)
            else:
                check_costing_method(method)
                chosen = CostingMethod(method)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if chosen is None:
                text = _("The costs are being recomputed under %(method)s.") % {"method": CostingMethod(method).label}
                messages.success(request, text)
                return redirect("inventory:costing_settings")
    fail_interrupted()
    context = {"form": form, "current": CostingMethod(current), "chosen": chosen, "recompute": latest_recompute()}
    return render(request, "inventory/settings/costing.html", context)


@require_GET
@inventory_view(MANAGE_INVENTORY_SETTINGS)
def costing_progress(request: HttpRequest) -> HttpResponse:
    """How far the recompute is (the page polls it while one runs)."""
    fail_interrupted()
    return render(request, "inventory/settings/_costing_progress.html", {"recompute": latest_recompute()})
