"""Posting Django admin change pages in tests as a browser would."""

from django import forms


def _put(data: dict, form, changes: dict) -> None:
    """`form`'s current values (with `changes` by field name) as POST data; disabled fields
    and unticked checkboxes are not sent."""
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes[name] if name in changes else form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = "" if value is None else str(value)


def admin_post(response, changes: dict | None = None, *, rows: dict[str, list[dict]] | None = None) -> dict:
    """The POST of the admin page `response` (a GET that answered 200): every field as shown,
    `changes` applied to the main form, and new inline rows `rows` (inline prefix → values)."""
    data: dict = {}
    _put(data, response.context["adminform"].form, changes or {})
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        initial = formset.initial_form_count()
        for form in formset.forms[:initial]:
            _put(data, form, {})
        added = (rows or {}).get(formset.prefix, [])
        for offset, values in enumerate(added):
            for name, value in values.items():
                data[f"{formset.prefix}-{initial + offset}-{name}"] = str(value)
        management = formset.management_form
        data[management.add_prefix("TOTAL_FORMS")] = str(initial + len(added))
        data[management.add_prefix("INITIAL_FORMS")] = str(initial)
    return data
