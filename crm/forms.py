"""CRM forms. They check shapes; the service applies the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Contact


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "tax_id", "address", "phone", "email", "is_supplier", "is_client"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "is_supplier": _("Stock receipts choose their supplier from these companies."),
            "is_client": _("Sales orders and deals choose their client from these companies."),
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "company", "position", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.order_by("name", "id")
        self.fields["company"].empty_label = _("No company")
