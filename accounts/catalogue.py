"""The permission catalogue: every right a role can hold, defined once.

Models read it for their `Meta.permissions`, the role editor groups it into its matrix, the
default roles are built from it, and the tests walk it. A right marked `per_warehouse` can be
granted for all warehouses (the global permission) or for chosen ones (a django-guardian
permission on the warehouse), which is why those live on `inventory.Warehouse`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DOCUMENT_TYPES = {
    "receipt": _("Stock receipts"),
    "adjustment": _("Stock adjustments"),
    "transfer": _("Transfers"),
    "write_off": _("Write-offs"),
    "sales_order": _("Sales orders"),
    "stock_count": _("Stock counts"),
    "return": _("Returns"),
}
DOCUMENT_ACTIONS = {
    "view": _("view"),
    "edit": _("create & edit"),
    "process": _("process"),
    "cancel": _("cancel processing"),
    "delete": _("delete"),
}
NEGATIVE_TYPES = ("write_off", "transfer", "sales_order")

# The rights' names (`app_label.codename`, what `can` takes), spelled here only.
VIEW_INVENTORY = "inventory.view_inventory"
VIEW_REPORTS = "inventory.view_reports"
VIEW_WAREHOUSE = "inventory.view_warehouse"
MANAGE_WAREHOUSES = "inventory.manage_warehouses"
UPDATE_DELIVERY_STATUS = "inventory.update_delivery_status"
RESERVE_IN_DEALS = "inventory.reserve_in_deals"
RESERVE_IN_WAREHOUSE = "inventory.reserve_in_warehouse"
CHANGE_RESERVATION_SETTINGS = "inventory.change_reservation_settings"
VIEW_PRODUCT = "inventory.view_product"
ADD_PRODUCT = "inventory.add_product"
CHANGE_PRODUCT = "inventory.change_product"
DELETE_PRODUCT = "inventory.delete_product"
VIEW_PURCHASE_PRICE = "inventory.view_purchase_price"
CHANGE_SELLING_PRICE = "inventory.change_selling_price"
USE_CRM = "crm.use_crm"
CHANGE_DEAL_PRICES = "crm.change_deal_prices"
CHANGE_CRM_FORM_LAYOUTS = "crm.change_crm_form_layouts"
MANAGE_INVENTORY_SETTINGS = "inventory.manage_inventory_settings"
CHANGE_FORM_LAYOUTS = "inventory.change_form_layouts"
MANAGE_ROLES = "accounts.manage_roles"
VIEW_CHANGE_HISTORY = "accounts.view_change_history"


def document_right(action: str, doc_type: str) -> str:
    """The right to `action` (a key of `DOCUMENT_ACTIONS`) documents of a type."""
    return f"inventory.{action}_{doc_type}"


def negative_right(doc_type: str) -> str:
    """The right to take stock below zero with documents of a type (of `NEGATIVE_TYPES`)."""
    return f"inventory.allow_negative_{doc_type}"


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

    def full_label(self) -> str:
        """ "Section: right" in the active language (the role editor's and the change history's)."""
        from django.utils.translation import gettext

        return gettext("%(section)s: %(right)s") % {"section": gettext(self.section), "right": gettext(self.label)}


def _right(name: str, label: str, section: str, per_warehouse: bool = False, *, builtin: bool = False) -> Right:
    app_label, codename = name.split(".")
    return Right(app_label, codename, label, section, per_warehouse, builtin)


AREA, WAREHOUSES, RESERVATIONS, CATALOG = _("Inventory area"), _("Warehouses"), _("Reservations"), _("Catalog")
SHIPMENTS = _("Shipments")
CRM, SETTINGS = _("CRM"), _("Settings")

RIGHTS: tuple[Right, ...] = (
    _right(VIEW_INVENTORY, _("View Inventory Management area"), AREA),
    _right(VIEW_REPORTS, _("View reports"), AREA),
    _right(VIEW_WAREHOUSE, _("View and select warehouses"), WAREHOUSES, True, builtin=True),
    _right(MANAGE_WAREHOUSES, _("Create, edit and delete warehouses"), WAREHOUSES, True),
    *(
        _right(document_right(action, doc_type), action_label, type_label, True)
        for doc_type, type_label in DOCUMENT_TYPES.items()
        for action, action_label in DOCUMENT_ACTIONS.items()
    ),
    *(
        _right(negative_right(doc_type), _("allow negative quantity"), DOCUMENT_TYPES[doc_type], True)
        for doc_type in NEGATIVE_TYPES
    ),
    _right(UPDATE_DELIVERY_STATUS, _("Update delivery status"), SHIPMENTS, True),
    _right(RESERVE_IN_DEALS, _("Reserve products in deals"), RESERVATIONS),
    _right(RESERVE_IN_WAREHOUSE, _("Reserve products in warehouses"), RESERVATIONS, True),
    _right(CHANGE_RESERVATION_SETTINGS, _("Change reservation settings"), RESERVATIONS),
    _right(VIEW_PRODUCT, _("View products"), CATALOG, builtin=True),
    _right(ADD_PRODUCT, _("Create products"), CATALOG, builtin=True),
    _right(CHANGE_PRODUCT, _("Edit products"), CATALOG, builtin=True),
    _right(DELETE_PRODUCT, _("Delete products"), CATALOG, builtin=True),
    _right(VIEW_PURCHASE_PRICE, _("View purchase price"), CATALOG),
    _right(CHANGE_SELLING_PRICE, _("Change selling price"), CATALOG),
    _right(USE_CRM, _("Clients and deals"), CRM),
    _right(CHANGE_DEAL_PRICES, _("Change price and discount in a deal"), CRM),
    _right(CHANGE_CRM_FORM_LAYOUTS, _("Change client and deal form layouts"), CRM),
    _right(MANAGE_INVENTORY_SETTINGS, _("Inventory section settings"), SETTINGS),
    _right(CHANGE_FORM_LAYOUTS, _("Change product card and document form layouts"), SETTINGS),
    _right(MANAGE_ROLES, _("Employee access settings"), SETTINGS),
    _right(VIEW_CHANGE_HISTORY, _("View change history"), SETTINGS),
)
BY_NAME = {right.name: right for right in RIGHTS}


def meta_permissions(app_label: str) -> "list[tuple[str, str | StrPromise]]":
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


# The three roles created on install, with the grants of the product's access table. Their names
# are stored as written here and shown translated (Role.__str__).
ADMINISTRATOR = _("Online store administrator")
STAFF = _("Online store staff")
CLERK = _("Warehouse clerk")


def _documents(*actions: str, types=tuple(DOCUMENT_TYPES)) -> set[str]:
    return {document_right(action, t) for t in types for action in actions}


DEFAULT_ROLES: dict[str, set[str]] = {
    ADMINISTRATOR: set(BY_NAME),
    STAFF: {
        VIEW_INVENTORY,
        VIEW_REPORTS,
        VIEW_WAREHOUSE,
        *_documents("view", "edit"),
        document_right("process", "write_off"),
        RESERVE_IN_DEALS,
        RESERVE_IN_WAREHOUSE,
        VIEW_PRODUCT,
        USE_CRM,
        CHANGE_DEAL_PRICES,
    },
    CLERK: {
        VIEW_INVENTORY,
        VIEW_WAREHOUSE,
        MANAGE_WAREHOUSES,
        *_documents("view", "edit", "process"),
        UPDATE_DELIVERY_STATUS,
        VIEW_PRODUCT,
        ADD_PRODUCT,
        VIEW_PURCHASE_PRICE,
    },
}
