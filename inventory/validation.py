"""The model's own field checks, for the services that save models."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError


def field_errors(instance, *, exclude: Iterable[str] = (), messages: Mapping | None = None) -> dict[str, list[str]]:
    """What `full_clean()` finds wrong with `instance`'s fields (lengths, email format, choices,
    digits, related rows that exist), keyed by field; uniqueness and constraints are left to
    the service, which names the other row. `messages` puts a service's own text in place of
    Django's for a (field, code), e.g. `("name", "blank")`."""
    messages = messages or {}
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return {
            name: [messages.get((name, item.code)) or text for item in items for text in item.messages]
            for name, items in error.error_dict.items()
        }
    return {}
