"""CRM services: companies (suppliers and clients)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from crm.models import Company
from crm.services import USE_CRM
from layouts.services import set_custom


@transaction.atomic
def create_company(
    *,
    by,
    name: str,
    tax_id: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    is_supplier: bool = False,
    is_client: bool = True,
    custom: dict | None = None,
) -> Company:
    """Create a company (needs the CRM); suppliers are what receipts choose from, clients what
    sales orders ship to."""
    require(by, USE_CRM)
    company = Company()
    _set(company, name=name, tax_id=tax_id, address=address, phone=phone, email=email)
    company.is_supplier, company.is_client = bool(is_supplier), bool(is_client)
    set_custom(company, custom, form="company")
    _validate(company)
    company.save()
    return company


@transaction.atomic
def update_company(
    company: Company,
    *,
    by,
    name: str,
    tax_id: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    is_supplier: bool = False,
    is_client: bool = True,
    custom: dict | None = None,
) -> Company:
    """Change a company's details and roles."""
    require(by, USE_CRM)
    current = Company.objects.select_for_update().get(pk=company.pk)
    _set(current, name=name, tax_id=tax_id, address=address, phone=phone, email=email)
    current.is_supplier, current.is_client = bool(is_supplier), bool(is_client)
    set_custom(current, custom, form="company")
    _validate(current)
    current.save()
    return current


def _set(company: Company, **fields: str) -> None:
    for field, value in fields.items():
        setattr(company, field, (value or "").strip())


def _validate(company: Company) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("name", "tax_id", "phone", "email"):
        limit = Company._meta.get_field(field).max_length
        if len(getattr(company, field)) > limit:
            add(field, _("At most %(limit)d characters.") % {"limit": limit})
    if not company.name:
        add("name", _("Enter the company's name."))
    if company.email:
        try:
            validate_email(company.email)
        except ValidationError:
            add("email", _("Enter a valid email address."))
    if errors:
        raise ValidationError(errors)
