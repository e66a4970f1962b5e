"""The reservation settings form: it checks shapes; the service applies the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
