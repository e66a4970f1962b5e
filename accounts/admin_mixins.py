"""Behaviour shared by the admin pages of the project's apps."""

import dataclasses

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


class SaveRefusedAsMessage:
    """A service refused the save after the form's checks passed (say, a concurrent edit changed
    what it relies on): the transaction is rolled back; say why and show the page again."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return HttpResponseRedirect(request.get_full_path())


class SavedByService(SaveRefusedAsMessage):
    """An admin that writes nothing itself: `save_by_service(request, form, formsets, change)`
    saves the object and what its inlines edit through the app's service, as `request.user`,
    so the service's rights and rules apply here too, and returns the saved object."""

    def save_by_service(self, request, form, formsets, change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """Saved with its inlines, by the service, in `save_related`."""

    def save_related(self, request, form, formsets, change):
        saved = self.save_by_service(request, form, formsets, change)
        for field in saved._meta.concrete_fields:  # the admin's copy, for its message and redirect
            setattr(form.instance, field.attname, getattr(saved, field.attname))
        form.instance._state.adding = False
        for formset in formsets:  # what the change message lists, as formset.save() would set it
            deleted = formset.deleted_forms
            formset.deleted_objects = [f.instance for f in deleted if f.instance.pk]
            formset.new_objects = [f.instance for f in formset.extra_forms if f.has_changed() and f not in deleted]
            formset.changed_objects = [
                (f.instance, f.changed_data) for f in formset.initial_forms if f.has_changed() and f not in deleted
            ]


def input_from(cls, cleaned_data: dict, **values):
    """The service input `cls` (a dataclass) from an admin form's cleaned data: the fields the
    form has (read-only ones are not in it and keep the input's default), then `values`."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{**{name: value for name, value in cleaned_data.items() if name in names}, **values})
