"""Shaping forms in tests, through the same services as the editor."""

from layouts.models import LayoutField
from layouts.services import CustomFieldInput, EntryInput, add_custom_field, save_layout


def add_field(admin, form: str, key: str, field_type: str, **extra) -> LayoutField:
    """Add custom field `key` to `form`, labelled after its key unless `label` is given."""
    label = extra.pop("label", key.replace("_", " ").capitalize())
    return add_custom_field(
        by=admin, key=form, data=CustomFieldInput(key=key, label_en=label, field_type=field_type, **extra)
    )


def hide(admin, form: str, *keys: str) -> None:
    save_layout(by=admin, key=form, entries=[EntryInput(key, visible=False) for key in keys])
