"""CRM forms. They check shapes; the service applies the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Company


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "tax_id", "address", "phone", "email", "is_supplier", "is_client"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "is_supplier": _("Stock receipts choose their supplier from these companies."),
            "is_client": _("Sales orders and deals choose their client from these companies."),
        }
