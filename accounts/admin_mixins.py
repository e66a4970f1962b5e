"""Behaviour shared by the admin pages of the project's apps."""

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
