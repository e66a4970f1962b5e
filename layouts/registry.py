"""The configurable forms. An app registers each of its forms once, in its `form_layouts`
module: the form's key, its name, the standard fields (read from the form class), which of
them cannot be hidden, the right that lets a user change the layout, and where the objects
keep their custom values. The editor, the builder and the services read only this."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.permissions import Actor, can

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class StandardField:
    name: str
    label: "StrOrPromise"  # a lazy translation
    protected: bool = False
    wide: bool = False  # takes the whole row (long text)
    group: str = ""  # "" for the form itself; "lines" for a document's line columns


@dataclass(frozen=True)
class FormSpec:
    key: str
    label: "StrOrPromise"
    right: str  # `app_label.codename` of the right to change this layout
    fields: tuple[StandardField, ...]
    objects: Callable[[], QuerySet]  # the objects that keep this form's custom values
    section: "StrOrPromise" = ""  # heading in the editor's list of forms
    groups: dict = field(default_factory=dict)  # group -> heading ("lines" -> "Lines")

    def standard(self, name: str) -> StandardField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def protected(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.protected)


_SPECS: dict[str, FormSpec] = {}


def register(spec: FormSpec) -> FormSpec:
    if spec.key in _SPECS and _SPECS[spec.key] != spec:
        raise ValueError(f"form layout {spec.key!r} is registered twice")
    _SPECS[spec.key] = spec
    return spec


def spec(key: str) -> FormSpec:
    """The registered form `key`; an unknown key is a bug (KeyError)."""
    return _SPECS[key]


def spec_or_none(key: str) -> FormSpec | None:
    return _SPECS.get(key)


def all_specs() -> list[FormSpec]:
    return list(_SPECS.values())


def editable_specs(user: Actor) -> list[FormSpec]:
    """The forms whose layout `user` may change."""
    return [s for s in _SPECS.values() if can(user, s.right)]


def fields_of(form_class, *, protected=(), exclude=(), group: str = "") -> tuple[StandardField, ...]:
    """Standard fields from a form class's declared fields, in its order (`field_order` too)."""
    from django import forms

    names = list(form_class.base_fields)
    order = getattr(form_class, "field_order", None)
    if order:
        names = [n for n in order if n in names] + [n for n in names if n not in order]
    return tuple(
        StandardField(
            name=name,
            label=form_class.base_fields[name].label or name,
            protected=name in protected,
            wide=isinstance(form_class.base_fields[name].widget, forms.Textarea),
            group=group,
        )
        for name in names
        if name not in exclude
    )
