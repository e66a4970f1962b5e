"""The CRM forms an administrator can shape (see `layouts`): companies, contacts and deals."""

from django.utils.translation import gettext_lazy as _

from accounts.catalogue import CHANGE_CRM_FORM_LAYOUTS
from crm.forms.companies import CompanyForm, ContactForm
from crm.forms.deals import DealForm
from crm.models import Company, Contact, Deal
from layouts.registry import FormSpec, fields_of, register

register(
    FormSpec(
        key="company",
        label=_("Company"),
        right=CHANGE_CRM_FORM_LAYOUTS,
        fields=fields_of(CompanyForm, protected={"name"}),
        objects=Company.objects.all,
        section=_("Clients"),
    )
)
register(
    FormSpec(
        key="contact",
        label=_("Contact"),
        right=CHANGE_CRM_FORM_LAYOUTS,
        fields=fields_of(ContactForm, protected={"first_name"}),
        objects=Contact.objects.all,
        section=_("Clients"),
    )
)
register(
    FormSpec(
        key="deal",
        label=_("Deal"),
        right=CHANGE_CRM_FORM_LAYOUTS,
        # A deal's company is its client: what its sales orders ship to.
        fields=fields_of(DealForm, protected={"title", "company"}),
        objects=Deal.objects.all,
        section=_("Deals"),
    )
)
