"""Who may import what: the rights of the pages that edit the same things."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.catalogue import ADD_PRODUCT, CHANGE_PRODUCT, USE_CRM, VIEW_INVENTORY, document_right
from accounts.permissions import Actor, can, can_somewhere
from imports.models import ImportKind


def may_import(user: Actor, kind: str) -> bool:
    """Products: "Create products" or "Edit products"; opening balances: creating stock
    adjustments in some warehouse (which rows a user may write is each row's business);
    companies and contacts: the CRM."""
    if kind in (ImportKind.COMPANIES, ImportKind.CONTACTS):
        return can(user, USE_CRM)
    if not can(user, VIEW_INVENTORY):
        return False
    if kind == ImportKind.PRODUCTS:
        return can(user, ADD_PRODUCT) or can(user, CHANGE_PRODUCT)
    if kind == ImportKind.BALANCES:
        return can_somewhere(user, document_right("edit", "adjustment"))
    return False


def require_import(user: Actor, kind: str) -> None:
    if not may_import(user, kind):
        raise PermissionDenied(_("You do not have the right to import these."))


def import_kinds(user: Actor) -> list[tuple[str, str]]:
    """The kinds of import the user may run, with their labels (the menu's entries)."""
    return [(kind, str(label)) for kind, label in ImportKind.choices if may_import(user, kind)]
