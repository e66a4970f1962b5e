"""The import forms: the upload, then the matching of the file's columns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.columns import Column
from imports.models import MATCHES, ImportJob, ImportKind, ImportMode, MatchBy

MAX_UPLOAD = 50 * 1024 * 1024  # bytes: about a million rows of products


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    mode = forms.ChoiceField(label=_("Mode"), choices=ImportMode.choices, initial=ImportMode.UPSERT)
    match_by = forms.ChoiceField(label=_("Find products by"), choices=MatchBy.choices, initial=MatchBy.SKU)

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == ImportKind.BALANCES:  # opening balances only add
            del self.fields["mode"]
        _offer_matches(self, kind)

    def chosen_mode(self) -> str:
        return self.cleaned_data.get("mode", ImportMode.INSERT)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into several files."))
        return file


class MatchingForm(forms.Form):
    """One choice per column of the file: the field it fills, or none."""

    mode = forms.ChoiceField(label=_("Mode"), choices=ImportMode.choices)
    match_by = forms.ChoiceField(label=_("Find products by"), choices=MatchBy.choices)

    def __init__(self, data=None, *, job: ImportJob, columns: list[Column]) -> None:
        initial = {"mode": job.mode, "match_by": job.match_by}
        initial.update({f"column_{i}": key for i, key in enumerate(job.mapping)})
        super().__init__(data, initial=initial)
        if job.kind == ImportKind.BALANCES:
            del self.fields["mode"]
        _offer_matches(self, job.kind)
        choices = [("", _("— leave out —")), *((column.key, column.title()) for column in columns)]
        for index, heading in enumerate(job.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(label=heading or "—", choices=choices, required=False)

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith("column_")]

    def chosen_mode(self) -> str:
        return self.cleaned_data.get("mode", ImportMode.INSERT)

    def mapping(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields if name.startswith("column_")]


def _offer_matches(form: forms.Form, kind: str) -> None:
    """Only what the rows of `kind` can be found by; with one choice, no choice."""
    field = form.fields["match_by"]
    assert isinstance(field, forms.ChoiceField)
    matches = MATCHES[ImportKind(kind)]
    field.choices = [(m.value, m.label) for m in matches]
    field.initial = matches[0].value
    if len(matches) == 1:
        field.widget = forms.HiddenInput()
