"""The model's own field checks, for the services that save models."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from web.validators import has_nul, no_nul


def field_errors(instance, *, exclude: Iterable[str] = (), messages: Mapping | None = None) -> dict[str, list[str]]:
    """What `full_clean()` finds wrong with `instance`'s fields (lengths, email format, choices,
    digits, related rows that exist), keyed by field; uniqueness and constraints are left to
    the service, which names the other row. `messages` puts a service's own text in place of
    Django's for a (field, code), e.g. `("name", "blank")`. Also what the database would
    refuse although `full_clean()` accepts it (see `_unstorable`)."""
    messages, exclude = messages or {}, list(exclude)
    found = {}
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        found = {
            name: [messages.get((name, item.code)) or text for item in items for text in item.messages]
            for name, items in error.error_dict.items()
        }
    for field in instance._meta.concrete_fields:
        if field.name not in found and field.name not in exclude:
            message = _unstorable(getattr(instance, field.attname))
            if message:
                found[field.name] = [message]
    return found


def _unstorable(value) -> str | None:
    """What `full_clean()` lets through but a caller other than a form may send: a NUL
    character in text or JSON (PostgreSQL refuses it), a zero with a minus sign."""
    if has_nul(value):
        return str(no_nul.message)
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():
        return _("Enter zero without a minus sign.")
    return None


def save_valid(instance, *, exclude: Iterable[str] = (), messages: Mapping | None = None) -> None:
    """Save `instance` when `field_errors` finds nothing wrong; else raise them, keyed by field."""
    errors = field_errors(instance, exclude=exclude, messages=messages)
    if errors:
        raise ValidationError(errors)
    instance.save()
