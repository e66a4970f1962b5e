"""The small forms of the notifications: a "Notify me" switch and the daily digest option."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SubscriptionForm(forms.Form):
    """Subscribe (`on` ticked) or end the subscription (not ticked)."""

    on = forms.BooleanField(label=_("Notify me"), required=False)


class DigestForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("One e-mail a day"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_(
            "Instead of one e-mail per product that goes below its minimum, one e-mail each morning listing them."
        ),
    )
