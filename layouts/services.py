"""Changing layouts and custom fields. Every change is checked here, whoever calls it (the
editor page, the admin): protected fields stay visible, a custom field's type or options
change only when every stored value fits, removing a custom field keeps its values."""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import Actor, acting_user, require
from layouts import types
from layouts.builder import FormLayoutView
from layouts.models import LABEL_MAX, FieldType, FormLayout, LayoutField
from layouts.registry import all_specs, spec
from web.validators import has_nul, no_nul

OPTIONS_MAX = 100


@dataclass(frozen=True)
class EntryInput:
    """A field's place in a saved layout: its key, shown or not, and label overrides."""

    key: str
    visible: bool = True
    label_en: str = ""
    label_id: str = ""


@dataclass(frozen=True)
class CustomFieldInput:
    key: str
    label_en: str
    field_type: str
    label_id: str = ""
    required: bool = False
    help_en: str = ""
    help_id: str = ""
    choices: Sequence[str] = field(default_factory=tuple)
    in_list: bool = False

    @classmethod
    def from_cleaned(cls, data: dict) -> "CustomFieldInput":
        """The definition a form cleaned (the editor's page or the admin's row)."""
        values = {f.name: data[f.name] for f in fields(cls)}
        return cls(**{**values, "choices": tuple(values["choices"])})


def ensure_layouts(*, using: str = "default", **kwargs) -> None:
    """A `FormLayout` row for every registered form (post_migrate)."""
    FormLayout.objects.using(using).bulk_create([FormLayout(key=s.key) for s in all_specs()], ignore_conflicts=True)


def _locked_layout(key: str, by: Actor) -> tuple[FormLayout, list[LayoutField]]:
    require(by, spec(key).right)
    layout, _created = FormLayout.objects.get_or_create(key=key)
    layout = FormLayout.objects.select_for_update().get(pk=layout.pk)
    return layout, list(layout.fields.order_by("position", "id"))


def _touch(layout: FormLayout, by: Actor) -> None:
    layout.updated_by = acting_user(by)
    layout.save(update_fields=["updated_by", "updated_at"])


@transaction.atomic
def save_layout(*, by: Actor, key: str, entries: Sequence[EntryInput]) -> FormLayout:
    """Store form `key`'s fields in the order of `entries`, with visibility and label overrides.

    `entries` names each field of the layout once (standard fields and current custom
    fields); a field it leaves out keeps its place after the named ones. A blank label
    override shows a standard field's own label; a custom field keeps its label then. Refused with a
    `ValidationError` when a protected field is hidden or a key is unknown."""
    layout, rows = _locked_layout(key, by)
    view = FormLayoutView(spec(key), rows)
    known = {e.key: e for e in view.entries}
    errors = []
    seen = set()
    for entry in entries:
        if entry.key not in known:
            errors.append(_("“%(key)s” is not a field of this form.") % {"key": entry.key})
        elif entry.key in seen:
            errors.append(_("“%(key)s” appears twice.") % {"key": entry.key})
        elif known[entry.key].protected and not entry.visible:
            errors.append(_("“%(label)s” cannot be hidden: the system needs it.") % {"label": known[entry.key].label})
        if len(entry.label_en) > LABEL_MAX or len(entry.label_id) > LABEL_MAX:
            errors.append(_("A label can have at most %(max)d characters.") % {"max": LABEL_MAX})
        if has_nul((entry.label_en, entry.label_id)):
            label = known[entry.key].label if entry.key in known else entry.key
            errors.append(_("%(field)s: %(error)s") % {"field": label, "error": no_nul.message})
        seen.add(entry.key)
    if errors:
        raise ValidationError(errors)
    by_key = {row.key: row for row in rows}
    ordered = list(entries) + [EntryInput(e.key, e.visible) for e in view.entries if e.key not in seen]
    changed, created = [], []
    for position, entry in enumerate(ordered):
        row = by_key.get(entry.key)
        keep_labels = entry.key not in seen and row is not None
        if row is None:
            row = LayoutField(layout=layout, key=entry.key)
            created.append(row)
        else:
            changed.append(row)
        row.position = position
        row.is_visible = entry.visible
        if keep_labels:
            continue
        if row.is_custom:  # a custom field's labels are its definition's: a blank one keeps it
            row.label_en = entry.label_en.strip() or row.label_en
            row.label_id = entry.label_id.strip() or row.label_id
        else:
            row.label_en, row.label_id = entry.label_en.strip(), entry.label_id.strip()
    LayoutField.objects.bulk_create(created)
    LayoutField.objects.bulk_update(changed, ["position", "is_visible", "label_en", "label_id"])
    _touch(layout, by)
    return layout


def _clean_definition(data: CustomFieldInput, *, key: str) -> CustomFieldInput:
    errors: dict[str, list[str]] = {}
    if not types.KEY_RE.fullmatch(key):
        errors["key"] = [
            _("Use 1 to 40 lower-case letters, digits and underscores, starting with a letter, such as quality_grade.")
        ]
    if not data.label_en.strip() and not data.label_id.strip():
        errors["label_en"] = [_("Give the field a label.")]
    for name in ("label_en", "label_id"):
        if len(getattr(data, name)) > LABEL_MAX:
            errors[name] = [_("A label can have at most %(max)d characters.") % {"max": LABEL_MAX}]
    for name in ("label_en", "label_id", "help_en", "help_id", "choices"):
        if has_nul(getattr(data, name)):
            errors[name] = [str(no_nul.message)]
    if data.field_type not in FieldType.values:
        errors["field_type"] = [_("Choose a type.")]
    choices = [c.strip() for c in data.choices if c.strip()]
    if data.field_type == FieldType.CHOICE:
        if not choices:
            errors["choices"] = [_("A choice field needs at least one option.")]
        elif len(set(choices)) != len(choices):
            errors["choices"] = [_("Each option can appear only once.")]
        elif len(choices) > OPTIONS_MAX or any(len(c) > types.TEXT_MAX for c in choices):
            errors["choices"] = [
                _("Up to %(count)d options of at most %(max)d characters each.")
                % {"count": OPTIONS_MAX, "max": types.TEXT_MAX}
            ]
    else:
        choices = []
    if errors:
        raise ValidationError(errors)
    return CustomFieldInput(
        key=key,
        label_en=data.label_en.strip(),
        label_id=data.label_id.strip(),
        field_type=data.field_type,
        required=data.required,
        help_en=data.help_en.strip()[:255],
        help_id=data.help_id.strip()[:255],
        choices=tuple(choices),
        in_list=data.in_list,
    )


def stored_values(key: str, field_key: str):
    """The values objects of form `key` keep under custom field `field_key` (one query)."""
    return spec(key).objects().filter(custom__has_key=field_key).values_list("pk", f"custom__{field_key}")


def _refuse_misfits(key: str, data: CustomFieldInput, *, on: str = "field_type") -> list[tuple[int, object]]:
    """The stored values, once every one fits `data`'s type and options; else a
    `ValidationError` that says how many do not."""
    values = list(stored_values(key, data.key))
    misfits = sum(1 for _pk, value in values if not types.fits(value, data.field_type, data.choices))
    if misfits:
        raise ValidationError(
            {
                on: [
                    ngettext(
                        "%(count)d saved value does not fit this type or these options; change or clear it first.",
                        "%(count)d saved values do not fit this type or these options; change or clear them first.",
                        misfits,
                    )
                    % {"count": misfits}
                ]
            }
        )
    return values


def _convert_values(key: str, data: CustomFieldInput, values) -> None:
    """Rewrite stored values into the new type's stored form (e.g. 5 → "5" for a decimal)."""
    changed = {}
    for pk, value in values:
        new = types.convert(value, data.field_type)
        if new != value or type(new) is not type(value):
            changed[pk] = new
    if not changed:
        return
    model = spec(key).objects().model
    objects = list(model.objects.filter(pk__in=changed).only("pk", "custom"))
    for obj in objects:
        obj.custom = {**obj.custom, data.key: changed[obj.pk]}
    model.objects.bulk_update(objects, ["custom"], batch_size=1000)


def _write(row: LayoutField, data: CustomFieldInput) -> None:
    row.is_custom = True
    row.label_en, row.label_id = data.label_en, data.label_id
    row.field_type = data.field_type
    row.required = data.required
    row.help_en, row.help_id = data.help_en, data.help_id
    row.choices = list(data.choices)
    row.in_list = data.in_list


@transaction.atomic
def add_custom_field(*, by: Actor, key: str, data: CustomFieldInput) -> LayoutField:
    """Add a custom field at the end of form `key`, visible. A key that was removed before
    comes back with the values objects still keep (refused if some do not fit the type)."""
    layout, rows = _locked_layout(key, by)
    data = _clean_definition(data, key=data.key)
    form_spec = spec(key)
    if form_spec.standard(data.key) is not None:
        raise ValidationError({"key": [_("The form already has a standard field with this key.")]})
    row = next((r for r in rows if r.key == data.key), None)
    if row is not None and not row.removed:
        raise ValidationError({"key": [_("The form already has a custom field with this key.")]})
    values = _refuse_misfits(key, data)
    if row is None:
        if not rows:  # first change of this form: store the default order first
            rows = _store_defaults(layout, form_spec)
        row = LayoutField(layout=layout, key=data.key)
    row.position = max((r.position for r in rows), default=-1) + 1
    row.is_visible = True
    row.removed = False
    _write(row, data)
    row.save()
    _convert_values(key, data, values)
    _touch(layout, by)
    return row


def _store_defaults(layout: FormLayout, form_spec) -> list[LayoutField]:
    return LayoutField.objects.bulk_create(
        [LayoutField(layout=layout, key=f.name, position=i) for i, f in enumerate(form_spec.fields)]
    )


def _custom_row(rows, field_key: str) -> LayoutField:
    row = next((r for r in rows if r.key == field_key and r.is_custom and not r.removed), None)
    if row is None:
        raise ValidationError(_("This form has no custom field “%(key)s”.") % {"key": field_key})
    return row


@transaction.atomic
def update_custom_field(*, by: Actor, key: str, field_key: str, data: CustomFieldInput) -> LayoutField:
    """Change a custom field's definition (its key stays). A new type or a shorter list of
    options is refused while stored values would not fit it, with their number."""
    layout, rows = _locked_layout(key, by)
    row = _custom_row(rows, field_key)
    data = _clean_definition(data, key=field_key)
    narrowed = data.field_type != row.field_type or (
        data.field_type == FieldType.CHOICE and not set(row.choices) <= set(data.choices)
    )
    on = "field_type" if data.field_type != row.field_type else "choices"
    values = _refuse_misfits(key, data, on=on) if narrowed else ()
    _write(row, data)
    row.save()
    _convert_values(key, data, values)
    _touch(layout, by)
    return row


@transaction.atomic
def remove_custom_field(*, by: Actor, key: str, field_key: str) -> LayoutField:
    """Take a custom field off the form. Its values stay with the objects (documents already
    saved keep showing them); adding the same key again brings them back."""
    layout, rows = _locked_layout(key, by)
    row = _custom_row(rows, field_key)
    row.removed = True
    row.save(update_fields=["removed"])
    _touch(layout, by)
    return row


def set_custom(obj, custom: dict | None, *, form: str) -> None:
    """For the services that save objects of form `form`: set `obj`'s custom field values
    (what the form's `custom_values()` gave; None keeps the stored ones). A value that changed
    must belong to a current custom field and fit its type (one query), so a caller other than
    the form cannot store what the form would refuse; unchanged values (of hidden or removed
    fields too) are kept as they are."""
    if custom is None:
        return
    if not isinstance(custom, dict):
        raise ValidationError(_("Custom field values must be a mapping."))
    stored = obj.custom or {}
    changed = {key: value for key, value in custom.items() if key not in stored or stored[key] != value}
    if changed:
        rows = LayoutField.objects.filter(layout__key=form, key__in=list(changed), is_custom=True, removed=False)
        definitions = {row.key: row for row in rows}
        wrong = [
            key
            for key, value in changed.items()
            if key not in definitions or not types.fits(value, definitions[key].field_type, definitions[key].choices)
        ]
        if wrong:
            raise ValidationError(
                _("Not a value of these custom fields: %(keys)s.") % {"keys": ", ".join(sorted(wrong))}
            )
    obj.custom = dict(custom)
