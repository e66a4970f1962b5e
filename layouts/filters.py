"""List filters on custom fields: a select for each visible choice and yes/no field."""

import django_filters
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
    """Filters to add to a list's FilterSet (`self.filters.update(...)` in its `__init__`),
    named `custom_<key>`."""
    found = {}
    for entry in layout.list_filters():
        if entry.custom.field_type == FieldType.BOOLEAN:
            choices = YES_NO
        else:
            choices = [(c, c) for c in entry.custom.choices]
        found[f"{CUSTOM_PREFIX}{entry.key}"] = django_filters.ChoiceFilter(
            label=entry.label, choices=choices, method=_method(entry), empty_label=_("Any")
        )
    return found
