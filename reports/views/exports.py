"""An export made in the background: its progress, then its file."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from reports.access import reports_view
from reports.models import ExportJob, ExportStatus
from reports.services.exports import CONTENT_TYPES


def own_job(request: HttpRequest, pk: int) -> ExportJob:
    """The user's own export (404 for anyone else's: its existence is not revealed)."""
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, user=request.user)


@require_GET
@reports_view
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's page; htmx polls it (`HX-Request`) for the progress bar alone until it is done."""
    job = own_job(request, pk)
    polled = request.headers.get("HX-Request") == "true"
    template = "reports/_export_progress.html" if polled else "reports/export_job.html"
    return render(request, template, {"job": job})


@require_GET
@reports_view
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportStatus.DONE)
    response = HttpResponse(bytes(job.content or b""), content_type=CONTENT_TYPES[job.format])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
