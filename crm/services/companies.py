"""CRM services: companies (suppliers and clients)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.catalogue import USE_CRM
from accounts.permissions import Actor, require
from crm.models import Company
from inventory.validation import save_valid
from layouts.services import set_custom


@dataclass(frozen=True)
class CompanyInput:
    """What a company form sets; `custom` None keeps the stored custom values."""

    name: str
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    is_supplier: bool = False
    is_client: bool = True
    custom: dict | None = None


@transaction.atomic
def create_company(*, by: Actor, data: CompanyInput) -> Company:
    """Create a company (needs the CRM); suppliers are what receipts choose from, clients what
    sales orders ship to."""
    require(by, USE_CRM)
    return _save(Company(), data)


@transaction.atomic
def update_company(company: Company, *, by: Actor, data: CompanyInput) -> Company:
    """Change a company's details and roles."""
    require(by, USE_CRM)
    return _save(Company.objects.select_for_update().get(pk=company.pk), data)


def _save(company: Company, data: CompanyInput) -> Company:
    for name in ("name", "tax_id", "address", "phone", "email"):
        setattr(company, name, (getattr(data, name) or "").strip())
    company.is_supplier, company.is_client = bool(data.is_supplier), bool(data.is_client)
    set_custom(company, data.custom, form="company")
    save_valid(company, messages={("name", "blank"): _("Enter the company's name.")})
    return company
