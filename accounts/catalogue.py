"""The permission catalogue: every right a role can hold, defined once.

Models read it for their `Meta.permissions`, the role editor groups it into its matrix, the
default roles are built from it, and the tests walk it. A right marked `per_warehouse` can be
granted for all warehouses (the global permission) or for chosen ones (a django-guardian
permission on the warehouse), which is why those live on `inventory.Warehouse`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

DOCUMENT_TYPES = {
    "receipt": _("Stock receipts"),
    "adjustment": _("Stock adjustments"),
    "transfer": _("Transfers"),
    "write_off": _("Write-offs"),
    "sales_order": _("Sales orders"),
    "stock_count": _("Stock counts"),
}
DOCUMENT_ACTIONS = {
    "view": _("view"),
    "edit": _("create & edit"),
    "process": _("process"),
    "cancel": _("cancel processing"),
    "delete": _("delete"),
}
NEGATIVE_TYPES = ("write_off", "transfer", "sales_order")


@dataclass(frozen=True)
class Right:
    app_label: str
    codename: str
    label: str  # English, marked for translation: show it with gettext(label)
    section: str
    per_warehouse: bool = False
    # Django's own model permission (e.g. inventory.view_product): not declared in Meta.permissions.
    builtin: bool = False

    @property
    def name(self) -> str:
        """The `app_label.codename` form that `has_perm` and `can` take."""
        return f"{self.app_label}.{self.codename}"


AREA, WAREHOUSES, RESERVATIONS, CATALOG = _("Inventory area"), _("Warehouses"), _("Reservations"), _("Catalog")
CRM, SETTINGS = _("CRM"), _("Settings")

RIGHTS: tuple[Right, ...] = (
    Right("inventory", "view_inventory", _("View Inventory Management area"), AREA),
    Right("inventory", "view_reports", _("View reports"), AREA),
    Right("inventory", "view_warehouse", _("View and select warehouses"), WAREHOUSES, True, builtin=True),
    Right("inventory", "manage_warehouses", _("Create, edit and delete warehouses"), WAREHOUSES, True),
    *(
        Right("inventory", f"{action}_{doc_type}", action_label, type_label, True)
        for doc_type, type_label in DOCUMENT_TYPES.items()
        for action, action_label in DOCUMENT_ACTIONS.items()
    ),
    *(
        Right("inventory", f"allow_negative_{doc_type}", _("allow negative quantity"), DOCUMENT_TYPES[doc_type], True)
        for doc_type in NEGATIVE_TYPES
    ),
    Right("inventory", "reserve_in_deals", _("Reserve products in deals"), RESERVATIONS),
    Right("inventory", "reserve_in_warehouse", _("Reserve products in warehouses"), RESERVATIONS, True),
    Right("inventory", "change_reservation_settings", _("Change reservation settings"), RESERVATIONS),
    Right("inventory", "view_product", _("View products"), CATALOG, builtin=True),
    Right("inventory", "add_product", _("Create products"), CATALOG, builtin=True),
    Right("inventory", "change_product", _("Edit products"), CATALOG, builtin=True),
    Right("inventory", "delete_product", _("Delete products"), CATALOG, builtin=True),
    Right("inventory", "view_purchase_price", _("View purchase price"), CATALOG),
    Right("inventory", "change_selling_price", _("Change selling price"), CATALOG),
    Right("crm", "use_crm", _("Clients and deals"), CRM),
    Right("crm", "change_deal_prices", _("Change price and discount in a deal"), CRM),
    Right("crm", "change_crm_form_layouts", _("Change client and deal form layouts"), CRM),
    Right("inventory", "manage_inventory_settings", _("Inventory section settings"), SETTINGS),
    Right("inventory", "change_form_layouts", _("Change product card and document form layouts"), SETTINGS),
    Right("accounts", "manage_roles", _("Employee access settings"), SETTINGS),
)
BY_NAME = {right.name: right for right in RIGHTS}


def meta_permissions(app_label: str) -> list[tuple[str, str]]:
    """`Meta.permissions` for the model that carries `app_label`'s rights (English names;
    the interface shows the translated labels from this catalogue)."""
    from django.utils.translation import override

    with override("en"):
        return [
            (r.codename, f"{r.section}: {r.label}"[:255]) for r in RIGHTS if r.app_label == app_label and not r.builtin
        ]


def right(name: str) -> Right:
    """The catalogue entry for `app_label.codename`; a name outside the catalogue is a bug."""
    return BY_NAME[name]


# The three roles created on install, with the grants of the product's access table.
ADMINISTRATOR = "Online store administrator"
STAFF = "Online store staff"
CLERK = "Warehouse clerk"


def _documents(*actions: str, types=tuple(DOCUMENT_TYPES)) -> set[str]:
    return {f"inventory.{action}_{t}" for t in types for action in actions}


DEFAULT_ROLES: dict[str, set[str]] = {
    ADMINISTRATOR: set(BY_NAME),
    STAFF: {
        "inventory.view_inventory",
        "inventory.view_reports",
        "inventory.view_warehouse",
        *_documents("view", "edit"),
        "inventory.process_write_off",
        "inventory.reserve_in_deals",
        "inventory.reserve_in_warehouse",
        "inventory.view_product",
        "crm.use_crm",
        "crm.change_deal_prices",
    },
    CLERK: {
        "inventory.view_inventory",
        "inventory.view_warehouse",
        "inventory.manage_warehouses",
        *_documents("view", "edit", "process"),
        "inventory.view_product",
        "inventory.add_product",
        "inventory.view_purchase_price",
    },
}
