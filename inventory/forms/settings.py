"""The inventory settings forms: they check shapes; the services apply the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import CostingMethod
from inventory.models.settings import ReservationMode
from inventory.services.settings import MAX_DAYS, MIN_DAYS
from web.fields import IntegerField


class ReservationSettingsForm(forms.Form):
    mode = forms.ChoiceField(label=_("Reserve products"), choices=ReservationMode.choices, widget=forms.RadioSelect)
    days = IntegerField(
        label=_("Reservation period, days"),
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        help_text=_("How long a new reservation holds the stock; it can be changed per reservation."),
    )
    sell_unshipped = forms.BooleanField(
        label=_("Sell unshipped products when the deal is won"),
        required=False,
        help_text=_("Winning a deal creates and processes a sales order from its product rows."),
    )


class CostingMethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Costing method"),
        choices=CostingMethod.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    # The confirmation step's answer: the method is changed only with it.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    EXPLANATIONS = {
        CostingMethod.FIFO: _(
            "Stock that came in first goes out first: what leaves is valued at the cost of the oldest "
            "stock still there, and what is left is worth what the latest receipts cost."
        ),
        CostingMethod.AVERAGE: _(
            "Every unit of a product in a warehouse has the same cost, the average of what is there: "
            "each receipt moves the average, and what leaves is valued at it."
        ),
    }

    def choices_explained(self) -> list[tuple]:
        """(radio button, explanation) of each method, for the template."""
        return [(radio, self.EXPLANATIONS[radio.data["value"]]) for radio in self["method"]]
