"""List filters on custom fields: a select for each visible choice and yes/no field."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from layouts.builder import CUSTOM_PREFIX, Entry, FormLayoutView
from layouts.models import FieldType

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _method(entry: Entry):
    def apply(queryset, name, value):
        if value in (None, ""):
            return queryset
        stored = value == "yes" if entry.custom.field_type == FieldType.BOOLEAN else value
        return queryset.filter(custom__contains={entry.key: stored})  # the GIN index's @>

    return apply


def custom_filters(layout: FormLayoutView) -> dict[str, django_filters.Filter]:
    """Filters named `custom_<key>`, for a list's FilterSet (see `CustomFieldFilters`)."""
    found = {}
    for entry in layout.list_filters():
        if entry.custom.field_type == FieldType.BOOLEAN:
            choices = YES_NO
        else:
            choices = [(c, c) for c in entry.custom.choices]
        found[f"{CUSTOM_PREFIX}{entry.key}"] = django_filters.ChoiceFilter(
            label=entry.label,
            choices=choices,
            method=_method(entry),
            empty_label=_("Any"),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
    return found


class CustomFieldFilters:
    """FilterSet mixin: `MyFilter(data, queryset=..., layout=load_layout(key))` adds the
    layout's custom field filters after the declared ones."""

    filters: dict[str, django_filters.Filter]  # the FilterSet's

    def __init__(self, *args, layout: FormLayoutView | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if layout is not None:
            self.filters.update(custom_filters(layout))
