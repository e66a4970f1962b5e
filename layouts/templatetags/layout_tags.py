"""Custom field values in lists and detail pages."""

from django import template

register = template.Library()


@register.filter
def custom_value(entry, obj) -> str:
    """`{{ entry|custom_value:obj }}`: the object's value of a custom field, as shown."""
    return entry.display(getattr(obj, "custom", None) or {})


@register.filter
def bound_field(form, name: str):
    """`{{ form|bound_field:name }}`: a form's field by a name held in a variable."""
    return form[name]
