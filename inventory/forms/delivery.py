"""The form that changes a document's delivery status."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import DeliveryStatus
from inventory.services.delivery import NOTE_LENGTH, TRANSITIONS, DeliveryUpdate


class DeliveryForm(forms.Form):
    """A new delivery status with its details; built for a document, it offers the steps its
    current status allows (`TRANSITIONS`), the service checks them again under the lock."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    received_by = forms.CharField(label=_("Received by"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)

    def __init__(self, *args, current: str | None = None, **kwargs):
        """`current`: the document's status (its steps are offered); None offers every status a
        user may set (a posted form: the service says which step is allowed)."""
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(current, ()) if current is not None else tuple(TRANSITIONS)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (s, DeliveryStatus(s).label) for s in allowed if s != DeliveryStatus.RETURNED
        ]
        for name, field in self.fields.items():
            if name != "status":
                field.widget.attrs.setdefault("class", "form-control")

    @property
    def offers_a_step(self) -> bool:
        return bool(cast(forms.ChoiceField, self.fields["status"]).choices)

    def to_input(self) -> DeliveryUpdate:
        data = self.cleaned_data
        return DeliveryUpdate(
            status=data["status"],
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            received_by=data["received_by"],
            note=data["note"],
        )
