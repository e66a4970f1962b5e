"""The import pages (Settings → Import): upload, match the columns and preview, run with
progress, the result and the failed rows as a file; the template and export of each kind."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imports.access import import_kinds, require_import
from imports.forms.imports import MatchingForm, UploadForm
from imports.models import ImportFormat, ImportJob, ImportKind, ImportStatus
from imports.selectors.jobs import own_job, own_jobs
from imports.services.exports import export_file, template_file
from imports.services.jobs import (
    CONTENT_TYPES,
    columns_for,
    errors_file,
    fail_interrupted,
    missing_columns,
    queue_import,
    set_matching,
    upload_import,
)
from web.errors import add_service_errors, error_text

RECENT = 10


def _file_response(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", ImportFormat.CSV)
    return fmt if fmt in ImportFormat.values else None


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    """The start of an import of `kind`: the upload form, the template, the user's last imports."""
    require_import(request.user, kind)
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            job = upload_import(
                by=request.user,
                kind=kind,
                mode=form.chosen_mode(),
                match_by=form.cleaned_data["match_by"],
                filename=file.name,
                content=file.read(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("imports:job", job.pk)
    context = {
        "form": form,
        "kind": ImportKind(kind),
        "kinds": import_kinds(request.user),
        "jobs": own_jobs(request.user, kind=kind)[:RECENT],
    }
    return render(request, "imports/upload.html", context)


@require_http_methods(["GET", "POST"])
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An import: before it runs, the matching of its columns and the preview (a POST changes
    the matching); then its progress (the partial alone for htmx's polling) and its result."""
    job = fail_interrupted(own_job(request.user, pk))
    require_import(request.user, job.kind)
    documents = job.documents.select_related("warehouse") if job.status == ImportStatus.DONE else []
    if request.headers.get("HX-Request") == "true" and request.method == "GET":
        return render(request, "imports/_progress.html", {"job": job, "documents": documents})
    columns = columns_for(request.user, job.kind)
    form = None
    if job.status == ImportStatus.UPLOADED:
        form = MatchingForm(request.POST or None, job=job, columns=columns)
        if request.method == "POST" and form.is_valid():
            try:
                job = set_matching(
                    job,
                    by=request.user,
                    mapping=form.mapping(),
                    mode=form.chosen_mode(),
                    match_by=form.cleaned_data["match_by"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The preview shows the new matching."))
                return redirect("imports:job", job.pk)
    elif request.method == "POST":
        messages.error(request, _("This import has run already: upload the file again to change it."))
    titles = {column.key: column.title() for column in columns}
    context = {
        "job": job,
        "form": form,
        "missing": missing_columns(job) if job.status == ImportStatus.UPLOADED else [],
        "sample": [_shown(row, job, titles) for row in job.sample],
        "kinds": import_kinds(request.user),
        "documents": documents,
    }
    return render(request, "imports/job.html", context)


def _shown(row: dict, job: ImportJob, titles: dict[str, str]) -> dict:
    """A previewed row as the table shows it: each column's text with its errors."""
    errors = row["errors"]
    cells = [
        {"text": row["cells"][i] if i < len(row["cells"]) else "", "errors": errors.get(key, []) if key else []}
        for i, key in enumerate(job.mapping)
    ]
    others = [
        f"{titles[key]}: {message}" if key in titles else message
        for key, messages_ in errors.items()
        if key not in job.mapping or not key
        for message in messages_
    ]
    return {"line": row["line"], "outcome": row["outcome"], "cells": cells, "errors": others}


@require_POST
def job_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = own_job(request.user, pk)
    require_import(request.user, job.kind)
    try:
        queue_import(job, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("imports:job", job.pk)


@require_GET
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The failed rows (of the preview, or of the run once it is done) with an error column."""
    job = own_job(request.user, pk)
    require_import(request.user, job.kind)
    content, filename = errors_file(job)
    return _file_response(content, filename, job.format)


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty file of the import's columns with an example row (?format=csv|xlsx)."""
    require_import(request.user, kind)
    fmt = _format(request)
    if fmt is None:
        return HttpResponse(_("Unknown format: choose CSV or XLSX."), status=400, content_type="text/plain")
    return _file_response(template_file(request.user, kind, fmt), f"{kind}-template.{fmt}", fmt)


@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """Every row of the kind in the import's shape (?format=csv|xlsx): imported back unchanged,
    it changes nothing."""
    require_import(request.user, kind)
    fmt = _format(request)
    if fmt is None:
        return HttpResponse(_("Unknown format: choose CSV or XLSX."), status=400, content_type="text/plain")
    return _file_response(export_file(request.user, kind, fmt), f"{kind}.{fmt}", fmt)
