"""Shaping forms in tests, through the same services as the editor."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from layouts.builder import load_layout
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


def field_keys(form: str, group: str = "") -> list[str]:
    """The keys of `form`'s fields in layout order (one group: "" the form, "lines" a line)."""
    return [e.key for e in load_layout(form).group(group)]


def page_queries(client, url: str) -> int:
    """The queries one GET of `url` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
