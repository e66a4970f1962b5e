"""Filters of the company list: search (name, tax ID, email), supplier, client."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company


def _yes_no(label):
    return django_filters.BooleanFilter(
        label=label,
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))], attrs={"class": "form-select"}
        ),
    )


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, tax ID or email"), "class": "form-control"}),
    )
    is_supplier = _yes_no(_("Supplier"))
    is_client = _yes_no(_("Client"))

    class Meta:
        model = Company
        fields = ["q", "is_supplier", "is_client"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(tax_id__icontains=value) | Q(email__icontains=value))
