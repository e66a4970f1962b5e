"""Forms of the deal pages. They check shapes; `crm.services.deals` applies the rules, and its
`ValidationError` is shown beside the fields (see `add_service_errors`)."""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import CHANGE_DEAL_PRICES, VIEW_WAREHOUSE
from accounts.permissions import Actor, can, warehouses_for
from crm.forms.companies import HiddenFieldErrors
from crm.models import Company, Contact, Deal
from crm.services.deals import DealInput, RowInput
from inventory.currencies import CurrencyField
from inventory.forms.documents import ProductTextField, UserChoiceField
from inventory.models import Warehouse
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from layouts.builder import LaidOutForm, apply_layout, load_layout
from web.fields import DecimalField, decimal_input


def _plain(number) -> str:
    """A decimal as typed: 3.000 → "3", 100 → "100", 12.50 → "12.5"."""
    return format(number.normalize(), "f")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.company})" if obj.company else str(obj)


class DealForm(HiddenFieldErrors, LaidOutForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.filter(is_client=True), required=False
    )
    contact = ContactChoiceField(label=_("Contact"), queryset=Contact.objects.select_related("company"), required=False)
    responsible = UserChoiceField(
        label=_("Responsible"), queryset=get_user_model().objects.filter(is_active=True).order_by("username")
    )
    currency = CurrencyField()
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user: Actor, deal: Deal | None = None, **kwargs):
        if deal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": deal.title,
                    "company": deal.company_id,
                    "contact": deal.contact_id,
                    "responsible": deal.responsible_id,
                    "currency": deal.currency,
                    "comment": deal.comment,
                },
            )
        else:
            kwargs.setdefault("initial", {"responsible": user.pk, "currency": settings.DEFAULT_CURRENCY})
        super().__init__(*args, **kwargs)
        apply_layout(self, load_layout("deal"), stored=deal.custom if deal else {})
        if self.fields["responsible"].disabled and deal is not None and not deal.responsible.is_active:
            # Hidden, so nobody could choose another: whoever saves the deal takes it over.
            self.initial["responsible"] = user.pk

    def to_input(self) -> DealInput:
        data = self.cleaned_data
        return DealInput(
            title=data["title"],
            company=data["company"],
            contact=data["contact"],
            responsible=data["responsible"],
            currency=data["currency"],
            comment=data["comment"],
            custom=self.custom_values(),
        )


class RowForm(forms.Form):
    """A product row. Price and discount are offered only to those who may change them."""

    product = ProductTextField(
        label=_("Product"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("Name, barcode, SKU or ID")}),
    )
    quantity = DecimalField(
        label=_("Quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_DECIMALS, widget=decimal_input()
    )
    price = DecimalField(
        label=_("Price"),
        required=False,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_DECIMALS,
        widget=decimal_input(),
        help_text=_("Empty: the product's selling price."),
    )
    discount = DecimalField(
        label=_("Discount, %"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=decimal_input(),
    )
    warehouse: "forms.ModelChoiceField[Warehouse]" = forms.ModelChoiceField(
        label=_("Warehouse"), queryset=None, required=False, empty_label=_("Default warehouse")
    )

    def __init__(self, *args, user: Actor, row=None, **kwargs):
        if row is not None:
            kwargs.setdefault(
                "initial",
                {
                    "product": row.product.sku,
                    "quantity": _plain(row.quantity),
                    "price": _plain(row.price),
                    "discount": _plain(row.discount),
                    "warehouse": row.warehouse_id,
                },
            )
        super().__init__(*args, **kwargs)
        warehouse = cast(forms.ModelChoiceField, self.fields["warehouse"])  # as declared above
        warehouse.queryset = warehouses_for(user, VIEW_WAREHOUSE).filter(is_active=True)
        warehouse.widget.attrs["class"] = "form-select"
        self.may_price = can(user, CHANGE_DEAL_PRICES)
        if not self.may_price:
            del self.fields["price"]
            del self.fields["discount"]

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise forms.ValidationError(_("Enter a quantity greater than zero."), code="not_positive")
        return quantity

    def to_input(self) -> RowInput:
        data = self.cleaned_data
        return RowInput(
            product=data["product"],
            quantity=data["quantity"],
            price=data.get("price"),
            discount=data.get("discount"),
            warehouse=data["warehouse"],
        )


class ReservedUntilForm(forms.Form):
    reserved_until = forms.DateTimeField(
        label=_("Reserved until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
