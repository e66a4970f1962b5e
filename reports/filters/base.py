"""What every report's filters share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Warehouse
from inventory.selectors.stock import matching_products


def date_filter(label, **kwargs) -> django_filters.DateFilter:
    """A date field with the browser's date picker."""
    return django_filters.DateFilter(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


def warehouse_filter(**kwargs) -> django_filters.ModelChoiceFilter:
    """The warehouse filter; its choices are narrowed to the user's warehouses by `ReportFilter`."""
    kwargs.setdefault("field_name", "warehouse")
    kwargs.setdefault("empty_label", _("All warehouses"))
    return django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.all(), **kwargs)


class ReportFilter(django_filters.FilterSet):
    """A report's filters (a FilterSet over the report's model). `warehouses`: the choices of a
    `warehouse` filter (those the user may see), so another warehouse's id is refused as an
    invalid choice."""

    def __init__(self, data=None, queryset=None, *, warehouses=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        if warehouses is not None and "warehouse" in self.filters:
            self.filters["warehouse"].queryset = warehouses
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )

    def keep(self, queryset, name, value):
        """A filter the report reads from the form for its own SQL, not applied to a queryset."""
        return queryset

    def filter_product(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(product_id__in=matching_products(value).values("pk")) if value else queryset


def product_search_filter() -> django_filters.CharFilter:
    """Name, SKU (contains) or barcode (exact) of the row's product (`product_id`)."""
    return django_filters.CharFilter(
        label=_("Product"),
        method="filter_product",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, SKU or barcode")}),
    )


def category_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Category"),
        field_name="product__category",
        queryset=Category.objects.all(),
        empty_label=_("All categories"),
    )
