"""CRM forms, shaped by their layouts (`layouts`). They check shapes; the service applies the rules."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Contact
from crm.services.companies import CompanyInput
from crm.services.contacts import ContactInput
from layouts.builder import LaidOutForm, apply_layout, load_layout


class HiddenFieldErrors:
    """A field the layout hides is not on the page: should its kept value be refused (say, a
    company deleted meanwhile), the error shows above the form, naming the field."""

    def full_clean(self):
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        for name in [n for n in self.errors if n in self.fields and self.fields[n].disabled]:
            label = self.fields[name].label or name
            for message in self.errors.pop(name):
                self.add_error(None, gettext("%(field)s: %(error)s") % {"field": label, "error": message})


class LayoutModelForm(HiddenFieldErrors, LaidOutForm, forms.ModelForm):
    """A model form whose fields follow the layout `layout_key`."""

    layout_key = ""
    input_class: type  # the service's input dataclass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.custom if self.instance.pk else {}
        apply_layout(self, load_layout(self.layout_key), stored=stored)

    def to_input(self):
        """What the create/update service takes: the model fields and the custom values."""
        return self.input_class(
            **{name: self.cleaned_data[name] for name in self._meta.fields}, custom=self.custom_values()
        )


class CompanyForm(LayoutModelForm):
    layout_key = "company"
    input_class = CompanyInput

    class Meta:
        model = Company
        fields = ["name", "tax_id", "address", "phone", "email", "is_supplier", "is_client"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "is_supplier": _("Stock receipts choose their supplier from these companies."),
            "is_client": _("Sales orders and deals choose their client from these companies."),
        }


class ContactForm(LayoutModelForm):
    layout_key = "contact"
    input_class = ContactInput

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "company", "position", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.order_by("name", "id")
        self.fields["company"].empty_label = _("No company")
