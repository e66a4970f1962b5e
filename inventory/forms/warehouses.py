"""The warehouse form, shaped by its layout (`layouts`). It only checks shapes; the rules (one
default, unique code) live in the service."""

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from inventory.forms.documents import UserChoiceField
from inventory.models import Warehouse
from inventory.services.warehouses import WarehouseInput
from layouts.builder import LaidOutForm, apply_layout, load_layout

STANDARD = ("name", "code", "address", "responsible", "is_active", "is_default")


class WarehouseForm(LaidOutForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Warehouse._meta.get_field("name").max_length)
    code = forms.CharField(
        label=_("Code"),
        max_length=Warehouse._meta.get_field("code").max_length,
        help_text=_("A short unique code, such as JKT-1."),
    )
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = UserChoiceField(
        label=_("Responsible employee"), queryset=get_user_model().objects.none(), required=False
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Inactive warehouses cannot be chosen in new documents."),
    )
    is_default = forms.BooleanField(
        label=_("Default warehouse"),
        required=False,
        help_text=_("New documents start with the default warehouse. There is exactly one."),
    )

    def __init__(self, *args, instance: Warehouse | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "code": instance.code,
                    "address": instance.address,
                    "responsible": instance.responsible_id,
                    "is_active": instance.is_active,
                    "is_default": instance.is_default,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        users = get_user_model().objects.filter(is_active=True)
        if instance is not None and instance.responsible_id:
            users = get_user_model().objects.filter(pk=instance.responsible_id) | users
        responsible = cast(UserChoiceField, self.fields["responsible"])  # as declared above
        responsible.queryset = users.order_by("first_name", "last_name", "username")
        apply_layout(self, load_layout("warehouse"), stored=instance.custom if instance else {}, column="col-12")

    def to_input(self) -> WarehouseInput:
        """What the warehouse services take, from the cleaned data."""
        return WarehouseInput(**{name: self.cleaned_data[name] for name in STANDARD}, custom=self.custom_values())
