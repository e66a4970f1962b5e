"""The form builder: reads a form's layout (one query) and applies it to a form instance.

`apply_layout(form, key, stored=...)` reorders the form's fields as the layout says, turns a
hidden standard field into a disabled one (it keeps the value it had: a POST cannot change it),
adds the visible custom fields with their stored values, applies label overrides in the
user's language and gives the form a crispy `helper` that renders it. Views render every
configurable form with `{% crispy form %}`; no template lists the fields by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import get_language

from layouts import types
from layouts.models import LayoutField
from layouts.registry import FormSpec, spec

CUSTOM_PREFIX = "custom_"


@dataclass(frozen=True)
class Entry:
    """One field of a layout as the builder and the pages use it."""

    key: str
    visible: bool
    label: str  # in the active language, override or default
    protected: bool = False
    wide: bool = False
    group: str = ""
    custom: LayoutField | None = None  # the definition, for a custom field

    @property
    def form_name(self) -> str:
        return f"{CUSTOM_PREFIX}{self.key}" if self.custom else self.key

    @property
    def help_text(self) -> str:
        return localized(self.custom.help_en, self.custom.help_id) if self.custom else ""


class CustomEntry(Entry):
    """The entry of a custom field: `custom` is its definition."""

    custom: LayoutField

    def form_field(self) -> forms.Field:
        c = self.custom
        return types.form_field(
            c.field_type, label=self.label, required=c.required, help_text=self.help_text, choices=c.choices
        )

    def display(self, stored: dict, *, date_format: str = "SHORT_DATE_FORMAT") -> str:
        return types.display((stored or {}).get(self.key), self.custom.field_type, date_format=date_format)


def localized(en: str, id_: str) -> str:
    """The text in the active language, else the other one."""
    if (get_language() or "en").startswith("id"):
        return id_ or en
    return en or id_


def custom_label(row: LayoutField) -> str:
    """A custom field's label in the active language (its key when it has none)."""
    return localized(row.label_en, row.label_id) or row.key


class FormLayoutView:
    """A form's layout merged with its registration: stored rows in order, then any standard
    field the layout does not know yet (a field added by a later release) at the end."""

    def __init__(self, form_spec: FormSpec, rows: list[LayoutField]):
        self.spec = form_spec
        self.rows = rows
        entries: list[Entry] = []
        seen = set()
        for row in rows:
            seen.add(row.key)
            if row.is_custom:
                if not row.removed:
                    entries.append(CustomEntry(row.key, row.is_visible, custom_label(row), custom=row, wide=_wide(row)))
                continue
            standard = form_spec.standard(row.key)
            if standard is None:  # a field the form no longer has
                continue
            label = localized(row.label_en, row.label_id) or str(standard.label)
            visible = row.is_visible or standard.protected
            entries.append(Entry(row.key, visible, label, standard.protected, standard.wide, standard.group))
        for standard in form_spec.fields:
            if standard.name not in seen:
                entries.append(
                    Entry(standard.name, True, str(standard.label), standard.protected, standard.wide, standard.group)
                )
        self.entries = entries

    def group(self, group: str = "") -> list[Entry]:
        return [e for e in self.entries if e.group == group]

    @property
    def custom_entries(self) -> list[CustomEntry]:
        return [e for e in self.entries if isinstance(e, CustomEntry)]

    def visible_custom(self) -> list[CustomEntry]:
        return [e for e in self.custom_entries if e.visible]

    def list_columns(self) -> list[CustomEntry]:
        """Custom fields shown as list columns (visible ones that ask for it)."""
        return [e for e in self.visible_custom() if e.custom.in_list]

    def list_filters(self) -> list[CustomEntry]:
        """Custom fields a list can be filtered by: visible choice and yes/no fields."""
        return [e for e in self.visible_custom() if e.custom.field_type in types.FILTERABLE]

    def is_visible(self, key: str) -> bool:
        entry = next((e for e in self.entries if e.key == key), None)
        return entry is None or entry.visible

    def label(self, key: str, default) -> str:
        entry = next((e for e in self.entries if e.key == key), None)
        return entry.label if entry else str(default)

    def detail_values(self, stored: dict, *, all_stored: bool = False) -> list[tuple[str, str]]:
        """(label, shown value) of the custom fields for a detail page: the visible ones with a
        value, or with `all_stored` every field that has a stored value, hidden and removed
        ones too (a processed document shows what it was saved with)."""
        stored = stored or {}
        entries = self.custom_entries
        if all_stored:
            removed = [r for r in self.rows if r.is_custom and r.removed]
            entries = entries + [CustomEntry(r.key, False, custom_label(r), custom=r) for r in removed]
        return [
            (e.label, e.display(stored, date_format="DATE_FORMAT"))
            for e in entries
            if (all_stored or e.visible) and stored.get(e.key) not in (None, "")
        ]


def _wide(row: LayoutField) -> bool:
    return row.field_type == types.FieldType.LONG_TEXT


def load_layout(key: str) -> FormLayoutView:
    """The layout of form `key` (one query)."""
    rows = list(LayoutField.objects.filter(layout__key=key).order_by("position", "id"))
    return FormLayoutView(spec(key), rows)


class LaidOutForm(forms.BaseForm):
    """The base of a configurable form (before `forms.Form` or `forms.ModelForm`): what
    `apply_layout` gives it."""

    layout: FormLayoutView
    layout_entries: list[Entry]  # the visible fields, in order
    custom_values: Callable[[], dict]
    helper: FormHelper


LaidOut = TypeVar("LaidOut", bound=LaidOutForm)


def apply_layout(
    form: LaidOut,
    layout: FormLayoutView,
    *,
    stored: dict | None = None,
    column: str = "col-md-6",
    group: str = "",
) -> LaidOut:
    """Shape `form` by `layout` (see the module's docstring). `stored`: the object's custom
    values. Fields the form itself left out (e.g. a price the user may not see) stay out.
    The form gets `layout` and `custom_values()` for saving."""
    stored = dict(stored or {})
    fields = form.fields
    ordered: dict[str, forms.Field] = {}
    shown: list[Entry] = []
    for entry in layout.group(group):
        if isinstance(entry, CustomEntry):
            if entry.visible:
                ordered[entry.form_name] = entry.form_field()
                form.initial.setdefault(
                    entry.form_name, types.from_json(stored.get(entry.key), entry.custom.field_type)
                )
                shown.append(entry)
            continue
        field = fields.get(entry.key)
        if field is None:
            continue
        if entry.visible:
            field.label = entry.label
            shown.append(entry)
        else:  # keeps its value: a disabled field cleans its initial value and ignores the POST
            field.disabled = True
            field.required = False
            field.widget = forms.HiddenInput()
        ordered[entry.key] = field
    for name, field in fields.items():  # fields outside the layout (e.g. per-warehouse minimums)
        ordered.setdefault(name, field)
    form.fields = ordered
    form.layout = layout
    form.layout_entries = shown
    form.custom_values = lambda: _custom_values(form, layout, stored)
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Div(
            *(Div(Field(e.form_name), css_class="col-12" if e.wide else column) for e in shown),
            css_class="row",
        )
    )
    form.helper = helper
    return form


def _custom_values(form, layout: FormLayoutView, stored: dict) -> dict:
    """The object's custom values after this save: the stored ones (hidden and removed fields
    keep theirs), with the visible fields' cleaned values over them."""
    values = dict(stored)
    for entry in layout.visible_custom():
        if entry.form_name not in form.cleaned_data:
            continue
        value = types.to_json(form.cleaned_data[entry.form_name], entry.custom.field_type)
        if value is None:
            values.pop(entry.key, None)
        else:
            values[entry.key] = value
    return values
