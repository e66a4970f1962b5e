"""Turning a service's refusal into what the page shows: errors beside the form's fields, or
one message text."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError

from inventory.errors import StockError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's errors beside the form's fields (unknown keys above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            # A field the layout hides is not on the page: its errors go above the form.
            shown = field in form.fields and not form.fields[field].disabled
            form.add_error(field if shown else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: Exception) -> str:
    """One line for a message: a ValidationError's messages joined, else the error's text."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def run_reporting(request, action: Callable[[], object], success: str) -> bool:
    """Call `action()`: done, a success message; a business refusal (ValidationError or a
    stock error), an error message instead, and nothing changed. Returns whether it was done."""
    try:
        action()
    except (StockError, ValidationError) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True
