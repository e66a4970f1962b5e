"""The inventory section's settings pages: reservations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.catalogue import CHANGE_RESERVATION_SETTINGS
from inventory.access import inventory_view
from inventory.forms.settings import ReservationSettingsForm
from inventory.models import InventorySettings
from inventory.services.settings import update_reservation_settings
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
