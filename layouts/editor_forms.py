"""Forms of the layout editor: a custom field's definition, and its options box (one option a
line) that the admin's inline uses too."""

from django import forms
from django.utils.translation import gettext_lazy as _

from layouts.models import KEY_PATTERN, FieldType, LayoutField
from layouts.services import CustomFieldInput

# "new" is the path of the page that adds a field (…/fields/new/), so it cannot be a key.
RESERVED_KEYS = frozenset({"new"})


class OptionsField(forms.CharField):
    """A choice field's options, one a line (stored as a list)."""

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data)


def _length(name: str) -> int | None:
    return next(f.max_length for f in LayoutField._meta.concrete_fields if f.name == name)


class CustomFieldForm(forms.Form):
    """What `add_custom_field` / `update_custom_field` take. The services check everything
    that matters (key shape, labels, options, stored values); this form only types it."""

    key = forms.CharField(
        label=_("Key"),
        max_length=_length("key"),
        help_text=_("Where the values are stored: lower-case letters, digits and underscores, e.g. quality_grade."),
        widget=forms.TextInput(attrs={"pattern": KEY_PATTERN.strip("^$"), "autocomplete": "off"}),
    )
    label_en = forms.CharField(label=_("Label (English)"), max_length=_length("label_en"), required=False)
    label_id = forms.CharField(label=_("Label (Indonesian)"), max_length=_length("label_id"), required=False)
    field_type = forms.ChoiceField(
        label=_("Type"), choices=FieldType.choices, widget=forms.Select(attrs={"data-field-type": ""})
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_en = forms.CharField(label=_("Help text (English)"), max_length=_length("help_en"), required=False)
    help_id = forms.CharField(label=_("Help text (Indonesian)"), max_length=_length("help_id"), required=False)
    choices = OptionsField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option a line; only for “Choice from a list”."),
    )
    in_list = forms.BooleanField(label=_("Show as a list column"), required=False)

    def __init__(self, *args, field: LayoutField | None = None, **kwargs):
        if field is not None:
            kwargs.setdefault("initial", {name: getattr(field, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if field is not None:  # the key names the stored values: it stays
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key cannot change: it names the values objects keep.")

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not self.fields["key"].disabled and key in RESERVED_KEYS:
            raise forms.ValidationError(_("“%(key)s” is reserved; choose another key.") % {"key": key})
        return key

    def to_input(self) -> CustomFieldInput:
        return CustomFieldInput.from_cleaned(self.cleaned_data)
