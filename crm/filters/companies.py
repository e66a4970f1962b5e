"""Filters of the company list (search by name, tax ID, email; supplier; client) and of the
contact list (search by name, email, phone, company; company); both also by the layout's
choice and yes/no custom fields."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Contact
from layouts.filters import CustomFieldFilters


def _yes_no(label):
    return django_filters.BooleanFilter(
        label=label,
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))], attrs={"class": "form-select"}
        ),
    )


class CompanyFilter(CustomFieldFilters, django_filters.FilterSet):
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


class ContactFilter(CustomFieldFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, email, phone or company"), "class": "form-control"}),
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Company"),
        queryset=Company.objects.order_by("name", "id"),
        empty_label=_("All companies"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Contact
        fields = ["q", "company"]

    def filter_search(self, queryset, name, value):
        """Each word must match the first or last name, email, phone or the company's name."""
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
                | Q(company__name__icontains=word)
            )
        return queryset
