"""The answer of the change-version URLs of the pages that update themselves (static/js/live.js)."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers


def version_response(version: str) -> JsonResponse:
    """`{"version": …}`, never cached."""
    response = JsonResponse({"version": version})
    add_never_cache_headers(response)
    return response
