"""Forms of the layout editor: a custom field's definition."""

from django import forms
from django.utils.translation import gettext_lazy as _

from layouts.models import KEY_PATTERN, FieldType, LayoutField
from layouts.services import CustomFieldInput

# "new" is the path of the page that adds a field (…/fields/new/), so it cannot be a key.
RESERVED_KEYS = frozenset({"new"})


class CustomFieldForm(forms.Form):
    """What `add_custom_field` / `update_custom_field` take. The services check everything
    that matters (key shape, labels, options, stored values); this form only types it."""

    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_("Where the values are stored: lower-case letters, digits and underscores, e.g. quality_grade."),
        widget=forms.TextInput(attrs={"pattern": KEY_PATTERN.strip("^$"), "autocomplete": "off"}),
    )
    label_en = forms.CharField(label=_("Label (English)"), max_length=100, required=False)
    label_id = forms.CharField(label=_("Label (Indonesian)"), max_length=100, required=False)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    help_en = forms.CharField(label=_("Help text (English)"), max_length=255, required=False)
    help_id = forms.CharField(label=_("Help text (Indonesian)"), max_length=255, required=False)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option a line; only for “Choice from a list”."),
    )
    in_list = forms.BooleanField(label=_("Show as a list column"), required=False)

    def __init__(self, *args, field: LayoutField | None = None, **kwargs):
        if field is not None:
            kwargs.setdefault(
                "initial",
                {
                    "key": field.key,
                    "label_en": field.label_en,
                    "label_id": field.label_id,
                    "field_type": field.field_type,
                    "required": field.required,
                    "help_en": field.help_en,
                    "help_id": field.help_id,
                    "choices": "\n".join(field.choices),
                    "in_list": field.in_list,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["field_type"].widget.attrs["data-field-type"] = ""
        self.fields["choices"].widget.attrs["data-options"] = ""
        if field is not None:  # the key names the stored values: it stays
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key cannot change: it names the values objects keep.")

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not self.fields["key"].disabled and key in RESERVED_KEYS:
            raise forms.ValidationError(_("“%(key)s” is reserved; choose another key.") % {"key": key})
        return key

    def to_input(self) -> CustomFieldInput:
        lines = self.cleaned_data["choices"].splitlines()
        return CustomFieldInput.from_cleaned(self.cleaned_data, [line.strip() for line in lines if line.strip()])
