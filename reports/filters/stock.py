"""Filters of the stock, movements and ledger reports (read from the form: the reports build
their SQL from the cleaned values)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Product, StockBalance
from reports.filters.base import ReportFilter, category_filter, date_filter, product_search_filter, warehouse_filter

GROUPS = (("product", _("Product")), ("category", _("Category")))


class StockFilter(ReportFilter):
    day = date_filter(_("As of"), method="keep")
    q = product_search_filter()
    warehouse = warehouse_filter(method="keep")
    category = category_filter()
    group = django_filters.ChoiceFilter(label=_("Rows per"), choices=GROUPS, empty_label=None, method="keep")
    non_zero = django_filters.BooleanFilter(label=_("Only non-zero"), widget=forms.CheckboxInput, method="keep")

    class Meta:
        model = StockBalance
        fields: list[str] = []


class MovementsFilter(ReportFilter):
    date_from = date_filter(_("From"), method="keep")
    date_to = date_filter(_("To"), method="keep")
    q = product_search_filter()
    warehouse = warehouse_filter(method="keep")
    category = category_filter()
    moved_only = django_filters.BooleanFilter(
        label=_("Only what moved in the period"), widget=forms.CheckboxInput, method="keep"
    )

    class Meta:
        model = StockBalance
        fields: list[str] = []


class LedgerFilter(ReportFilter):
    product = django_filters.ModelChoiceFilter(
        label=_("Product"), queryset=Product.objects.all(), widget=forms.HiddenInput, method="keep"
    )
    warehouse = warehouse_filter(method="keep", empty_label=None)
    date_from = date_filter(_("From"), method="keep")
    date_to = date_filter(_("To"), method="keep")

    class Meta:
        model = StockBalance
        fields: list[str] = []
