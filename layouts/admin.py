"""Django admin for form layouts: a layout's fields as an inline, for holders of the form's
right. Nothing is saved by the admin itself: the inline's state goes through the services
(`save_layout`, `update_custom_field`), so the admin obeys the editor's rules (protected fields
stay visible, a type change waits until the stored values fit); what they refuse is rolled
back and shown as a message naming the row."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import SaveRefusedAsMessage
from accounts.permissions import Actor
from history.admin import ChangeHistoryAdmin
from history.selectors import layout_sources
from history.views import layout_labels
from layouts.builder import load_layout
from layouts.editor_forms import OptionsField
from layouts.models import FormLayout, LayoutField
from layouts.registry import editable_specs, spec_or_none
from layouts.services import CustomFieldInput, EntryInput, save_layout, update_custom_field

DEFINITION = ("label_en", "label_id", "field_type", "required", "choices", "help_en", "help_id", "in_list")


class LayoutFieldForm(forms.ModelForm):
    choices = OptionsField(
        label=_("options"),
        required=False,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 16}),
    )

    class Meta:
        model = LayoutField
        fields = ["position", "key", "is_visible", "label_en", "label_id", *DEFINITION[2:]]

    def __init__(self, *args, form_spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        self.fields["key"].disabled = True  # a row's key never changes here
        known = row.is_custom or (form_spec is not None and form_spec.standard(self.initial.get("key")) is not None)
        # A removed custom field, or a standard field the form no longer has: shown, not edited.
        self.active = known and not row.removed
        for name, field in self.fields.items():
            if not self.active or (name in DEFINITION[2:] and not row.is_custom):
                field.disabled = True

    def layout_entry(self) -> EntryInput | None:
        data = {**self.initial, **self.cleaned_data}
        if not self.active or not data.get("key"):
            return None
        labels = data.get("label_en") or "", data.get("label_id") or ""
        return EntryInput(data["key"], bool(data.get("is_visible")), *labels)

    def changed_definition(self) -> CustomFieldInput | None:
        """The custom field's new definition, when the form changes it."""
        if not (self.active and self.instance.is_custom and set(self.changed_data) & set(DEFINITION)):
            return None
        return CustomFieldInput.from_cleaned(self.cleaned_data)


class LayoutFieldFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "form_spec": spec_or_none(self.instance.key)}


class LayoutFieldInline(admin.TabularInline):
    model = LayoutField
    form = LayoutFieldForm
    formset = LayoutFieldFormSet
    fields = ["position", "key", "is_visible", "label_en", "label_id", "is_custom", *DEFINITION[2:], "removed"]
    readonly_fields = ["is_custom", "removed"]
    ordering = ["position", "id"]
    can_delete = False

    @staticmethod
    def missing(obj) -> list[dict]:
        """Initial data for the fields the layout has no row for yet (a form never changed, or
        a field added by a later release): shown as extra rows, stored on save."""
        if obj is None or spec_or_none(obj.key) is None:
            return []
        layout = load_layout(obj.key)
        stored = {row.key for row in layout.rows}
        start = max((row.position for row in layout.rows), default=-1) + 1
        missing = [e for e in layout.entries if e.key not in stored]
        return [{"key": e.key, "position": start + i, "is_visible": e.visible} for i, e in enumerate(missing)]

    def get_extra(self, request, obj=None, **kwargs):
        return len(self.missing(obj))

    def get_max_num(self, request, obj=None, **kwargs):
        if obj is None:
            return 0
        return obj.fields.count() + self.get_extra(request, obj)

    def has_view_permission(self, request, obj=None):
        return FormLayoutAdmin.may(request, obj)

    def has_change_permission(self, request, obj=None):
        return FormLayoutAdmin.may(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is not None and FormLayoutAdmin.may(request, obj)  # the rows of `missing` only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FormLayout)
class FormLayoutAdmin(ChangeHistoryAdmin, SaveRefusedAsMessage, admin.ModelAdmin):
    list_display = ["form_label", "key", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    readonly_fields = ("form_label", "key", "updated_at", "updated_by")
    fields = readonly_fields
    inlines = [LayoutFieldInline]

    @admin.display(description=_("name"))
    def form_label(self, obj):
        return str(obj)

    def history_sources(self, request, obj):
        form_spec = spec_or_none(obj.key)
        return layout_sources(obj.pk, layout_labels(form_spec) if form_spec else {})

    @staticmethod
    def may(request, obj=None) -> bool:
        keys = {s.key for s in editable_specs(request.user)}
        return obj.key in keys if obj is not None else bool(keys)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(key__in=[s.key for s in editable_specs(request.user)])

    def has_module_permission(self, request):
        return self.may(request)

    def has_view_permission(self, request, obj=None):
        return self.may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, LayoutFieldInline):
            kwargs["initial"] = inline.missing(obj)
        return kwargs

    def save_model(self, request, obj, form, change):
        """The layout row itself has nothing to edit; the services stamp who changed it."""

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, LayoutFieldFormSet):
            return super().save_formset(request, form, formset, change)
        problems = apply_inline(formset, by=request.user)
        if problems:  # every refusal, then everything rolled back
            raise ValidationError(problems)
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(f.instance, f.changed_data) for f in formset.forms if f.has_changed()]


def apply_inline(formset: LayoutFieldFormSet, *, by: Actor) -> list[str]:
    """Save the inline's state through the services; what they refuse, each message after
    the key of its row."""
    key = formset.instance.key
    ordered, problems = [], []
    for index, form in enumerate(formset.forms):
        entry = form.layout_entry()
        if entry is None:
            continue
        position = form.cleaned_data.get("position", form.initial.get("position")) or 0
        ordered.append((position, index, entry))
        definition = form.changed_definition()
        if definition is not None:
            try:
                update_custom_field(by=by, key=key, field_key=definition.key, data=definition)
            except ValidationError as error:
                problems += [f"{entry.key}: {text}" for text in error.messages]
    try:
        save_layout(by=by, key=key, entries=[entry for _position, _index, entry in sorted(ordered)])
    except ValidationError as error:
        problems += error.messages
    return problems
