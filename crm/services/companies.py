"""CRM services: companies (suppliers and clients)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from crm.models import Company
from crm.services import USE_CRM
from inventory.validation import field_errors
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
def create_company(*, by, data: CompanyInput) -> Company:
    """Create a company (needs the CRM); suppliers are what receipts choose from, clients what
    sales orders ship to."""
    require(by, USE_CRM)
    company = Company()
    _save(company, data)
    return company


@transaction.atomic
def update_company(company: Company, *, by, data: CompanyInput) -> Company:
    """Change a company's details and roles."""
    require(by, USE_CRM)
    current = Company.objects.select_for_update().get(pk=company.pk)
    _save(current, data)
    return current


def _save(company: Company, data: CompanyInput) -> None:
    for name in ("name", "tax_id", "address", "phone", "email"):
        setattr(company, name, (getattr(data, name) or "").strip())
    company.is_supplier, company.is_client = bool(data.is_supplier), bool(data.is_client)
    set_custom(company, data.custom, form="company")
    errors = field_errors(company, messages={("name", "blank"): _("Enter the company's name.")})
    if errors:
        raise ValidationError(errors)
    company.save()
