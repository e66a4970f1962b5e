"""Filters of the document list."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company
from inventory.models import DeliveryStatus, DocumentStatus, DocumentType, StockDocument, Warehouse
from inventory.models.documents import SHIPPING_TYPES
from layouts.filters import CustomFieldFilters


class DocumentFilter(CustomFieldFilters, django_filters.FilterSet):
    """Status, delivery status (sales orders and transfers), warehouse (source or destination),
    supplier or client (by type), date range and number. Build it with `doc_type=`,
    `warehouses=` and the queryset from `selectors.documents.document_list`."""

    number = django_filters.CharFilter(label=_("Number"), field_name="number", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices, empty_label=_("Any"))
    delivery_status = django_filters.ChoiceFilter(
        label=_("Delivery"), choices=DeliveryStatus.choices, empty_label=_("Any"), method="filter_delivery"
    )
    warehouse = django_filters.ModelChoiceFilter(
        label=_("Warehouse"), queryset=Warehouse.objects.all(), method="filter_warehouse", empty_label=_("Any")
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Company"), queryset=Company.objects.all(), method="filter_company", empty_label=_("Any")
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = StockDocument
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, doc_type: str, warehouses=None, **kwargs):
        """`warehouses`: the choices of the warehouse filter (those the user may see)."""
        super().__init__(data, queryset=queryset, **kwargs)
        self.doc_type = doc_type
        if warehouses is not None:
            self.filters["warehouse"].queryset = warehouses
        company = self.filters["company"]
        if doc_type == DocumentType.RECEIPT:
            company.label = _("Supplier")
            company.queryset = Company.objects.filter(is_supplier=True)
        elif doc_type in (DocumentType.SALES_ORDER, DocumentType.RETURN):
            company.label = _("Client")
            company.queryset = Company.objects.filter(is_client=True)
        else:
            del self.filters["company"]
        if doc_type not in SHIPPING_TYPES:
            del self.filters["delivery_status"]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def filter_delivery(self, queryset, name, value):
        """Processed documents in that delivery status (a cancelled one keeps its last)."""
        if not value:
            return queryset
        return queryset.filter(status=DocumentStatus.PROCESSED, delivery_status=value)

    def filter_warehouse(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(warehouse=value) | Q(destination=value))

    def filter_company(self, queryset, name, value):
        if not value:
            return queryset
        if self.doc_type == DocumentType.RECEIPT:
            return queryset.filter(supplier=value)
        return queryset.filter(client=value)
