"""The inventory forms an administrator can shape (see `layouts`): products, warehouses and
each document type (its header fields and its line columns)."""

from functools import partial

from django.utils.translation import gettext_lazy as _

from accounts.catalogue import CHANGE_FORM_LAYOUTS
from inventory.access import UNPRICED_TYPES
from inventory.forms.documents import HEADER_FORMS, LineForm
from inventory.forms.products import ProductForm
from inventory.forms.warehouses import WarehouseForm
from inventory.models import DocumentType, Product, StockDocument, Warehouse
from inventory.models.documents import layout_key
from layouts.registry import FormSpec, StandardField, fields_of, register

LINES = "lines"

register(
    FormSpec(
        key="product",
        label=_("Product"),
        right=CHANGE_FORM_LAYOUTS,
        fields=fields_of(ProductForm, protected={"sku", "name"}),
        objects=Product.objects.all,
        section=_("Catalog"),
    )
)
register(
    FormSpec(
        key="warehouse",
        label=_("Warehouse"),
        right=CHANGE_FORM_LAYOUTS,
        fields=fields_of(WarehouseForm, protected={"name", "code"}),
        objects=Warehouse.objects.all,
        section=_("Catalog"),
    )
)


def line_columns(doc_type: str) -> tuple[StandardField, ...]:
    """A document type's line columns: `line_<name>` for each field of the line form (no
    price where the type has none)."""
    return tuple(
        StandardField(f"line_{f.name}", f.label, protected=f.protected, group=LINES)
        for f in fields_of(LineForm, protected={"product", "quantity"})
        if not (f.name == "price" and doc_type in UNPRICED_TYPES)
    )


PROTECTED_HEADER_FIELDS = {"warehouse", "destination", "supplier", "client", "order", "sent_back"}

for doc_type in DocumentType:
    register(
        FormSpec(
            key=layout_key(doc_type),
            label=doc_type.label,
            right=CHANGE_FORM_LAYOUTS,
            # A receipt's supplier, an order's client and a return's order are required by the database too;
            # a transfer's goods sent back come back only through its field.
            fields=fields_of(HEADER_FORMS[doc_type], protected=PROTECTED_HEADER_FIELDS) + line_columns(doc_type),
            objects=partial(StockDocument.objects.filter, doc_type=doc_type),
            section=_("Documents"),
            groups={LINES: _("Lines")},
        )
    )
