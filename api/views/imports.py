"""Imports: `/api/v1/imports/` (upload: multipart, with the kind and mode; the answer is the
preview), `/imports/<id>/` (the preview, progress and result; PATCH changes the matching),
`/imports/<id>/run/`, `/imports/<id>/errors/` (the failed rows as a file). The rights of the
import pages (`imports.access`); the user's own imports only."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from api.serializers.errors import error_responses
from api.serializers.imports import ImportMatchingSerializer, ImportSerializer, ImportUploadSerializer
from api.views.base import ApiViewSet
from imports.access import import_kinds, require_import
from imports.forms.imports import MAX_UPLOAD
from imports.models import MATCHES, ImportJob, ImportKind, ImportStatus
from imports.selectors.jobs import own_job
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


class MayImport(BasePermission):
    """Some import is the user's (which one, the view checks: the kind is in the request)."""

    message = gettext_lazy("You do not have the right to import anything.")

    def has_permission(self, request, view) -> bool:
        return bool(import_kinds(request.user))


def shown(job: ImportJob) -> dict:
    """An import as the API answers it."""
    columns = columns_for(job.user, job.kind)
    return {
        "id": job.pk,
        "kind": job.kind,
        "mode": job.mode,
        "match_by": job.match_by,
        "status": job.status,
        "filename": job.filename,
        "headers": job.headers,
        "mapping": job.mapping,
        "columns": [{"key": c.key, "title": c.title(), "required": c.required} for c in columns],
        "missing": [c.key for c in missing_columns(job)] if job.status == ImportStatus.UPLOADED else [],
        "counts": {
            "new": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "failed": job.failed,
            "total": job.rows_total,
        },
        "rows": job.sample,
        "rows_done": job.rows_done,
        "percent": job.percent,
        "documents": list(job.documents.values_list("pk", flat=True)),
        "error": job.error,
    }


FILE = OpenApiResponse(description="The failed rows with an error column, in the format uploaded (CSV or XLSX).")


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportSerializer, **error_responses(400, 403)},
    ),
    retrieve=extend_schema(responses={200: ImportSerializer, **error_responses(403, 404)}),
    partial_update=extend_schema(
        request=ImportMatchingSerializer, responses={200: ImportSerializer, **error_responses(400, 403, 404)}
    ),
)
class ImportViewSet(ApiViewSet):
    """Upload, preview, adjust, run and follow an import (see `imports.services.jobs`)."""

    http_method_names = ["get", "post", "patch"]
    permission_classes = [IsAuthenticated, MayImport]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = ImportSerializer

    def _job(self, request, pk) -> ImportJob:
        job = own_job(request.user, pk)
        require_import(request.user, job.kind)
        return job

    def create(self, request):
        given = ImportUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        kind, file = data["kind"], data["file"]
        require_import(request.user, kind)
        if file.size > MAX_UPLOAD:
            raise DjangoValidationError({"file": _("The file is larger than 50 MB: split it into several files.")})
        match_by = data.get("match_by") or MATCHES[ImportKind(kind)][0]
        job = upload_import(
            by=request.user, kind=kind, mode=data["mode"], match_by=match_by, filename=file.name, content=file.read()
        )
        if "mapping" in data:
            job = set_matching(
                job, by=request.user, mapping=_mapping(data["mapping"]), mode=job.mode, match_by=match_by
            )
        return Response(shown(job), status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk):
        return Response(shown(fail_interrupted(self._job(request, pk))))

    def partial_update(self, request, pk):
        job = self._job(request, pk)
        given = ImportMatchingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        job = set_matching(
            job,
            by=request.user,
            mapping=data.get("mapping", job.mapping),
            mode=data.get("mode", job.mode),
            match_by=data.get("match_by", job.match_by),
        )
        return Response(shown(job))

    @extend_schema(request=None, responses={202: ImportSerializer, **error_responses(400, 403, 404)})
    def run(self, request, pk):
        job = queue_import(self._job(request, pk), by=request.user)
        return Response(shown(job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/octet-stream"): FILE, **error_responses(403, 404)})
    def errors(self, request, pk):
        job = self._job(request, pk)
        content, filename = errors_file(job)
        response = HttpResponse(content, content_type=CONTENT_TYPES[job.format])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _mapping(value) -> list[str]:
    """The mapping field: a list of keys, or that list as JSON text (a multipart form's field)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise DjangoValidationError({"mapping": _("Give a list of field keys, one per column.")})
    return value
