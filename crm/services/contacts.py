"""CRM services: contacts (the people of clients and suppliers)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from crm.models import Company, Contact
from crm.services import USE_CRM
from layouts.services import set_custom

TEXT_FIELDS = ("first_name", "last_name", "position", "phone", "email")


@transaction.atomic
def create_contact(
    *,
    by,
    first_name: str,
    last_name: str = "",
    company: Company | None = None,
    position: str = "",
    phone: str = "",
    email: str = "",
    custom: dict | None = None,
) -> Contact:
    """Create a contact (needs the CRM), optionally working for a company."""
    require(by, USE_CRM)
    contact = Contact()
    _set(contact, company, first_name=first_name, last_name=last_name, position=position, phone=phone, email=email)
    set_custom(contact, custom, form="contact")
    _validate(contact)
    contact.save()
    return contact


@transaction.atomic
def update_contact(
    contact: Contact,
    *,
    by,
    first_name: str,
    last_name: str = "",
    company: Company | None = None,
    position: str = "",
    phone: str = "",
    email: str = "",
    custom: dict | None = None,
) -> Contact:
    """Change a contact's details and company."""
    require(by, USE_CRM)
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    _set(current, company, first_name=first_name, last_name=last_name, position=position, phone=phone, email=email)
    set_custom(current, custom, form="contact")
    _validate(current)
    current.save()
    return current


def _set(contact: Contact, company: Company | None, **fields: str) -> None:
    for field, value in fields.items():
        setattr(contact, field, (value or "").strip())
    contact.company = company


def _validate(contact: Contact) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in TEXT_FIELDS:
        limit = Contact._meta.get_field(field).max_length
        if len(getattr(contact, field)) > limit:
            add(field, _("At most %(limit)d characters.") % {"limit": limit})
    if not contact.first_name:
        add("first_name", _("Enter the contact's first name."))
    if contact.email:
        try:
            validate_email(contact.email)
        except ValidationError:
            add("email", _("Enter a valid email address."))
    if contact.company is not None and (
        contact.company.pk is None or not Company.objects.filter(pk=contact.company.pk).exists()
    ):
        add("company", _("Choose an existing company."))
    if errors:
        raise ValidationError(errors)
