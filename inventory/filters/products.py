"""Filters of the product list: a search box (name, SKU, exact barcode), category, active, unit."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Product
from inventory.models.catalog import Unit
from inventory.selectors.catalog import search_products
from layouts.filters import CustomFieldFilters


class ProductFilter(CustomFieldFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, SKU or barcode"), "autofocus": True, "type": "search"}),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("All categories")
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", _("Active and inactive")), ("true", _("Active")), ("false", _("Inactive"))]),
    )
    unit = django_filters.ChoiceFilter(label=_("Unit"), choices=Unit.choices, empty_label=_("All units"))

    class Meta:
        model = Product
        fields = ["q", "category", "is_active", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs.setdefault("class", "form-control" if name == "q" else "form-select")

    def filter_search(self, queryset, name, value):
        return search_products(queryset, value)
