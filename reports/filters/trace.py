"""Filters of the product trace: the product (found by a search, chosen among those with stock
history in the user's warehouses), one of its receipts, a warehouse, a period."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inventory.models import CostLayer, DocumentStatus, DocumentType, Product, StockBalance, StockDocument
from inventory.selectors.stock import matching_products
from reports.filters.base import ReportFilter, date_filter, warehouse_filter
from web.validators import is_id

SEARCH_LENGTH = 100
SHOWN_PRODUCTS = 200  # offered in the list at once; the search finds the others


class ReceiptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} · {date_format(obj.date, 'SHORT_DATE_FORMAT')} · {obj.supplier}"


class ReceiptFilter(django_filters.ModelChoiceFilter):
    field_class = ReceiptChoiceField


def traced_products(warehouses, search: str = ""):
    """The products with stock history (a balance row) in `warehouses`, matching `search`."""
    products = Product.objects.filter(
        Exists(StockBalance.objects.filter(product=OuterRef("pk"), warehouse__in=warehouses))
    )
    if search:
        products = products.filter(pk__in=matching_products(search).values("pk"))
    return products.order_by("name", "sku", "id")


def product_receipts(product_id: str, warehouses):
    """The processed receipts of `warehouses` with a line of the product (an id as typed)."""
    if not is_id(product_id):
        return StockDocument.objects.none()
    receipts = StockDocument.objects.filter(
        doc_type=DocumentType.RECEIPT,
        status=DocumentStatus.PROCESSED,
        deleted_at__isnull=True,
        warehouse__in=warehouses,
        lines__product_id=int(product_id),
    )
    return receipts.select_related("supplier").order_by("-date", "-id")


def search_text(data) -> str:
    """The product search as typed, or "" when it cannot be searched (too long, a NUL)."""
    text = (data.get("q") or "").strip() if data is not None else ""
    return text if len(text) <= SEARCH_LENGTH and "\x00" not in text else ""


class TraceFilter(ReportFilter):
    q = django_filters.CharFilter(
        label=_("Find a product"),
        method="keep",
        max_length=SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, SKU or barcode")}),
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=Product.objects.none(),
        empty_label=_("Choose a product"),
        method="keep",
        error_messages={
            "invalid_choice": _(
                "No product with stock history in your warehouses has this id: choose one from the list."
            )
        },
    )
    receipt = ReceiptFilter(
        label=_("Receipt"), queryset=StockDocument.objects.none(), empty_label=_("All receipts"), method="keep"
    )
    warehouse = warehouse_filter(method="keep")
    date_from = date_filter(_("From"), method="keep")
    date_to = date_filter(_("To"), method="keep")

    class Meta:
        model = CostLayer
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, warehouses=None, **kwargs):
        """`warehouses`: those the user sees (the choices of products, receipts, warehouses). A
        search that finds one product chooses it."""
        search = search_text(data)
        products = traced_products(warehouses, search)
        if search and data is not None and not data.get("product"):
            found = list(products.values_list("pk", flat=True)[:2])
            if len(found) == 1:
                data = data.copy()
                data["product"] = str(found[0])
        super().__init__(data, queryset=queryset, warehouses=warehouses, **kwargs)
        self.filters["product"].queryset = products
        field = self.form.fields["product"]
        field.queryset = products  # what a chosen id is checked against
        # The list shows the first products (and the chosen one), not a catalogue of 100,000.
        shown = list(products[:SHOWN_PRODUCTS])
        chosen = (data or {}).get("product") or ""
        if is_id(chosen) and all(p.pk != int(chosen) for p in shown):
            shown += list(products.filter(pk=int(chosen)))
        field.widget.choices = [("", field.empty_label)] + [(p.pk, field.label_from_instance(p)) for p in shown]
        receipts = product_receipts((data or {}).get("product") or "", warehouses)
        self.filters["receipt"].queryset = receipts
        self.form.fields["receipt"].queryset = receipts
