"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's files (no CDN),
started by static/js/api-docs.js (no inline script), reading the schema at /api/v1/schema/."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def api_docs(request):
    return render(request, "api/docs.html")
