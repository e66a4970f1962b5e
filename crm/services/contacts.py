"""CRM services: contacts (the people of clients and suppliers)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.catalogue import USE_CRM
from accounts.permissions import Actor, require
from crm.models import Company, Contact
from inventory.validation import save_valid
from layouts.services import set_custom


@dataclass(frozen=True)
class ContactInput:
    """What a contact form sets; `custom` None keeps the stored custom values."""

    first_name: str
    last_name: str = ""
    company: Company | None = None
    position: str = ""
    phone: str = ""
    email: str = ""
    custom: dict | None = None


@transaction.atomic
def create_contact(*, by: Actor, data: ContactInput) -> Contact:
    """Create a contact (needs the CRM), optionally working for a company."""
    require(by, USE_CRM)
    return _save(Contact(), data)


@transaction.atomic
def update_contact(contact: Contact, *, by: Actor, data: ContactInput) -> Contact:
    """Change a contact's details and company."""
    require(by, USE_CRM)
    return _save(Contact.objects.select_for_update().get(pk=contact.pk), data)


def _save(contact: Contact, data: ContactInput) -> Contact:
    for name in ("first_name", "last_name", "position", "phone", "email"):
        setattr(contact, name, (getattr(data, name) or "").strip())
    contact.company = data.company
    set_custom(contact, data.custom, form="contact")
    save_valid(
        contact,
        messages={
            ("first_name", "blank"): _("Enter the contact's first name."),
            ("company", "invalid"): _("Choose an existing company."),
        },
    )
    return contact
