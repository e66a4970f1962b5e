"""The form layout editor: the list of configurable forms, the editor of one form (order,
visibility, label overrides, preview) and the pages of its custom fields.

Every page answers 404 for an unknown form and 403 without the form's right (`spec.right`),
on GET and POST alike; the services check the right again. The editor works without
JavaScript: "Move up"/"Move down" and "Preview" are submit buttons that re-render the posted,
unsaved state; `static/js/form_editor.js` adds drag and drop and moves rows without a round trip.
"""

import copy
from dataclasses import dataclass
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require
from layouts.builder import FormLayoutView, LaidOutForm, apply_layout, custom_label, load_layout
from layouts.editor_forms import CustomFieldForm
from layouts.models import FormLayout, LayoutField
from layouts.registry import FormSpec, StandardField, editable_specs, spec_or_none
from layouts.services import (
    LABEL_MAX,
    EntryInput,
    add_custom_field,
    remove_custom_field,
    save_layout,
    stored_values,
    update_custom_field,
)


@dataclass
class Row:
    """One row of the editor: a field of the form in the state being edited."""

    key: str
    default_label: str  # the standard label (active language), or a custom field's label
    default_en: str
    default_id: str
    visible: bool
    protected: bool
    group: str
    label_en: str = ""  # overrides for a standard field; a custom field's own labels
    label_id: str = ""
    custom: LayoutField | None = None


def form_spec_for(request: HttpRequest, key: str) -> FormSpec:
    """The registered form `key` (404 if none) that the user may change (403 otherwise)."""
    form_spec = spec_or_none(key)
    if form_spec is None:
        raise Http404(_("No such form."))
    require(request.user, form_spec.right)
    return form_spec


def _custom_row(key: str, field_key: str) -> LayoutField:
    row = LayoutField.objects.filter(layout__key=key, key=field_key, is_custom=True, removed=False).first()
    if row is None:
        raise Http404(_("This form has no such custom field."))
    return row


def _in(language: str, label) -> str:
    with translation.override(language):
        return str(label)


def _rows(view: FormLayoutView) -> list[Row]:
    """The editor's rows for a layout, in its order."""
    stored = {row.key: row for row in view.rows}
    rows = []
    for entry in view.entries:
        if entry.custom:
            c = entry.custom
            rows.append(
                Row(
                    key=entry.key,
                    default_label=entry.label,
                    default_en=c.label_en or c.label_id,
                    default_id=c.label_id or c.label_en,
                    visible=entry.visible,
                    protected=False,
                    group=entry.group,
                    label_en=c.label_en,
                    label_id=c.label_id,
                    custom=c,
                )
            )
            continue
        # FormLayoutView keeps a standard entry only for a field the form has.
        standard = cast(StandardField, view.spec.standard(entry.key))
        row = stored.get(entry.key)
        rows.append(
            Row(
                key=entry.key,
                default_label=str(standard.label),
                default_en=_in("en", standard.label),
                default_id=_in("id", standard.label),
                visible=entry.visible,
                protected=entry.protected,
                group=entry.group,
                label_en=row.label_en if row else "",
                label_id=row.label_id if row else "",
            )
        )
    return rows


def _posted_rows(view: FormLayoutView, data) -> tuple[list[Row], list[str]]:
    """The state the editor posted, over the stored layout: order (each field stays in its
    group), visibility and labels of the posted fields. Also the posted keys the form does not
    know (the service refuses them on save)."""
    rows = _rows(view)
    known = {row.key for row in rows}
    posted = list(dict.fromkeys(data.getlist("order")))
    unknown = [key for key in posted if key not in known]
    rank = {key: i for i, key in enumerate(posted)}
    visible = set(data.getlist("visible"))
    for row in rows:
        if row.key not in rank:  # not on the posted page (e.g. added meanwhile): as stored
            continue
        row.visible = row.key in visible
        label_en = data.get(f"label_en-{row.key}", "").strip()
        label_id = data.get(f"label_id-{row.key}", "").strip()
        if row.custom:  # a custom field's labels are its definition: blank keeps them
            label_en, label_id = label_en or row.custom.label_en, label_id or row.custom.label_id
        row.label_en, row.label_id = label_en, label_id
    # Reorder within each group: the group's places in the list stay the group's.
    original = {row.key: i for i, row in enumerate(rows)}
    by_group: dict[str, list[Row]] = {}
    for row in rows:
        by_group.setdefault(row.group, []).append(row)
    for members in by_group.values():
        members.sort(key=lambda r: (0, rank[r.key]) if r.key in rank else (1, original[r.key]))
    queues = {group: iter(members) for group, members in by_group.items()}
    return [next(queues[row.group]) for row in rows], unknown


def _move(rows: list[Row], move: str) -> None:
    """Apply "key:up" / "key:down" within the key's group."""
    key, _sep, direction = move.rpartition(":")
    index = next((i for i, row in enumerate(rows) if row.key == key), None)
    if index is None or direction not in ("up", "down"):
        return
    group = rows[index].group
    step = -1 if direction == "up" else 1
    other = index + step
    while 0 <= other < len(rows) and rows[other].group != group:
        other += step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]


def _as_layout(form_spec: FormSpec, rows: list[Row]) -> FormLayoutView:
    """The edited (unsaved) state as a layout, as the builder would read it once saved."""
    fields = []
    for position, row in enumerate(rows):
        field = copy.copy(row.custom) if row.custom else LayoutField(key=row.key)
        field.position, field.is_visible = position, row.visible
        field.label_en, field.label_id = row.label_en, row.label_id
        fields.append(field)
    return FormLayoutView(form_spec, fields)


class _PreviewForm(LaidOutForm, forms.Form):
    pass


def _preview_form(layout: FormLayoutView, group: str) -> _PreviewForm:
    """A disabled form built from `layout` like the real one: standard fields as plain inputs."""
    form = _PreviewForm(auto_id="preview_%s")
    for standard in layout.spec.fields:
        if standard.group == group:
            attrs = {"class": "form-control form-control-sm"} if group else {}
            widget = forms.Textarea(attrs={"rows": 2, **attrs}) if standard.wide else forms.TextInput(attrs=attrs)
            form.fields[standard.name] = forms.CharField(label=standard.label, required=False, widget=widget)
    apply_layout(form, layout, group=group)
    for field in form.fields.values():
        field.disabled = True
    return form


def _preview(layout: FormLayoutView, group: dict) -> dict:
    """One group of the preview: the header as a form, a line group as a table's columns."""
    form = _preview_form(layout, group["key"])
    cells = [(entry.label, form[entry.form_name]) for entry in form.layout_entries]
    return {"heading": group["heading"], "key": group["key"], "form": form, "cells": cells}


def _groups(form_spec: FormSpec, rows: list[Row]) -> list[dict]:
    main_heading = _("Header") if form_spec.groups else _("Fields")
    names = [""] + [g for g in form_spec.groups if g]
    return [
        {
            "key": name,
            "heading": str(form_spec.groups.get(name, main_heading)) if name else main_heading,
            "rows": [row for row in rows if row.group == name],
        }
        for name in names
        if any(row.group == name for row in rows)
    ]


@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    specs = editable_specs(request.user)
    if not specs:
        raise PermissionDenied(_("You do not have the right to open this page."))
    layouts = {
        layout.key: layout
        for layout in FormLayout.objects.filter(key__in=[s.key for s in specs])
        .select_related("updated_by")
        .annotate(custom_count=Count("fields", filter=Q(fields__is_custom=True, fields__removed=False)))
    }
    sections: dict[str, list] = {}
    for form_spec in specs:
        sections.setdefault(str(form_spec.section), []).append((form_spec, layouts.get(form_spec.key)))
    return render(request, "layouts/form_list.html", {"sections": sections.items()})


@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, key: str) -> HttpResponse:
    form_spec = form_spec_for(request, key)
    layout = load_layout(key)
    context = {"spec": form_spec, "key": key, "unsaved": False, "errors": [], "preview": None, "moved": None}
    if request.method == "GET":
        rows = _rows(layout)
    else:
        rows, unknown = _posted_rows(layout, request.POST)
        context["unsaved"] = True
        if not request.POST.getlist("order"):
            context["errors"] = [_("Nothing was sent: the page was incomplete. Try again.")]
            rows = _rows(layout)
        elif request.POST.get("move"):
            _move(rows, request.POST["move"])
            context["moved"] = request.POST["move"]  # the pressed button keeps the focus
        elif "preview" in request.POST:
            shown = _as_layout(form_spec, rows)
            context["preview"] = [_preview(shown, group) for group in _groups(form_spec, rows)]
        else:
            entries = [EntryInput(r.key, r.visible, r.label_en, r.label_id) for r in rows]
            try:
                save_layout(by=request.user, key=key, entries=entries + [EntryInput(k) for k in unknown])
            except ValidationError as error:
                context["errors"] = error.messages
            else:
                messages.success(
                    request,
                    _("The layout of “%(form)s” is saved: every employee sees it now.") % {"form": form_spec.label},
                )
                return redirect("layouts:editor", key=key)
    context["groups"] = _groups(form_spec, rows)
    context["label_max"] = LABEL_MAX
    return render(request, "layouts/editor.html", context)


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors beside the form's fields (unknown keys above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def field_create(request: HttpRequest, key: str) -> HttpResponse:
    form_spec = form_spec_for(request, key)
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            field = add_custom_field(by=request.user, key=key, data=form.to_input())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The field “%(field)s” is added to the form.") % {"field": custom_label(field)})
            return redirect("layouts:editor", key=key)
    return render(request, "layouts/field_form.html", {"spec": form_spec, "key": key, "form": form, "field": None})


@require_http_methods(["GET", "POST"])
def field_update(request: HttpRequest, key: str, field_key: str) -> HttpResponse:
    form_spec = form_spec_for(request, key)
    field = _custom_row(key, field_key)
    form = CustomFieldForm(request.POST or None, field=field)
    if request.method == "POST" and form.is_valid():
        try:
            field = update_custom_field(by=request.user, key=key, field_key=field_key, data=form.to_input())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The field “%(field)s” is saved.") % {"field": custom_label(field)})
            return redirect("layouts:editor", key=key)
    context = {
        "spec": form_spec,
        "key": key,
        "form": form,
        "field": field,
        "value_count": stored_values(key, field_key).count(),
    }
    return render(request, "layouts/field_form.html", context)


@require_POST
def field_remove(request: HttpRequest, key: str, field_key: str) -> HttpResponse:
    """Without `confirm=yes` (e.g. the editor's Remove button) the confirmation page."""
    form_spec = form_spec_for(request, key)
    field = _custom_row(key, field_key)
    count = stored_values(key, field_key).count()
    if request.POST.get("confirm") != "yes":
        context = {"spec": form_spec, "key": key, "field": field, "label": custom_label(field), "value_count": count}
        return render(request, "layouts/field_remove.html", context)
    try:
        remove_custom_field(by=request.user, key=key, field_key=field_key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        kept = ngettext(
            "Its %(count)d saved value is kept; adding the key “%(key)s” again brings it back.",
            "Its %(count)d saved values are kept; adding the key “%(key)s” again brings them back.",
            count,
        ) % {"count": count, "key": field_key}
        removed = _("The field “%(field)s” is removed from the form.") % {"field": custom_label(field)}
        messages.success(request, f"{removed} {kept}")
    return redirect(reverse("layouts:editor", kwargs={"key": key}))
