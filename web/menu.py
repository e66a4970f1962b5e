"""What the sidebar offers a user, and where their start page is."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.catalogue import (
    CHANGE_RESERVATION_SETTINGS,
    DOCUMENT_TYPES,
    MANAGE_INVENTORY_SETTINGS,
    USE_CRM,
    VIEW_INVENTORY,
    VIEW_PRODUCT,
    VIEW_REPORTS,
    VIEW_WAREHOUSE,
    document_right,
)
from accounts.permissions import Actor, can, can_somewhere
from imports.access import import_kinds
from layouts.registry import editable_specs

# The reports of the sidebar: URL name under `reports:`, label, icon.
REPORT_ENTRIES = [
    ("stock", gettext_noop("Stock on a date"), "bi-clipboard-data"),
    ("movements", gettext_noop("Movements"), "bi-arrow-left-right"),
    ("gross_profit", gettext_noop("Sales and gross profit"), "bi-graph-up-arrow"),
    ("trace", gettext_noop("Product trace"), "bi-diagram-3"),
    ("low_stock", gettext_noop("Low stock"), "bi-exclamation-triangle"),
]


def menu_for(user: Actor) -> dict:
    """Each sidebar entry only where the user holds its right (somewhere, for the rights given
    per warehouse). Asks the user's permission caches only: no queries per entry."""
    area = can(user, VIEW_INVENTORY)
    sees_warehouses = area and can_somewhere(user, VIEW_WAREHOUSE)
    return {
        "documents": [
            (doc_type, label)
            for doc_type, label in DOCUMENT_TYPES.items()
            if area and can_somewhere(user, document_right("view", doc_type))
        ],
        "stock": sees_warehouses,
        "warehouses": sees_warehouses,
        "products": area and can(user, VIEW_PRODUCT),
        "reports": REPORT_ENTRIES if sees_warehouses and can(user, VIEW_REPORTS) else [],
        "crm": can(user, USE_CRM),
        "settings": area and can(user, CHANGE_RESERVATION_SETTINGS),
        "costing": area and can(user, MANAGE_INVENTORY_SETTINGS),
        "layouts": bool(editable_specs(user)),
        "imports": import_kinds(user),
        "admin": user.is_staff,
    }


def start_url(user: Actor) -> str | None:
    """The first page of the menu the user may open (None: none at all)."""
    entries = menu_for(user)
    if entries["stock"]:
        return reverse("inventory:stock")
    if entries["documents"]:
        return reverse("inventory:document_list", args=[entries["documents"][0][0]])
    if entries["products"]:
        return reverse("inventory:product_list")
    if entries["crm"]:
        return reverse("crm:company_list")
    if entries["admin"]:
        return reverse("admin:index")
    return None
