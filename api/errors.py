"""Every API error as JSON: `{"code": ..., "message": ..., "fields": {...}}` (`fields` for bad
input: each field's messages; a line of a document is `lines[2].quantity`). A service's refusal
keeps the service's own message, as the pages show it."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from inventory.errors import ConcurrencyError, DocumentStateError, InsufficientStock, StockError

NON_FIELD = "non_field_errors"


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [messages]}, nested fields joined with dots and
    list items numbered: `lines[0].quantity`."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in (NON_FIELD_ERRORS, NON_FIELD):  # the errors of the object itself
                inner = prefix or NON_FIELD
            else:
                inner = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, inner).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            found.setdefault(prefix or NON_FIELD, []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                for field, messages in _flatten(item, f"{prefix}[{index}]").items():
                    found.setdefault(field, []).extend(messages)
    else:
        found.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return found


def _summary(fields: dict[str, list[str]]) -> str:
    return " ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())


def service_fields(error: DjangoValidationError, rename=None) -> dict[str, list[str]]:
    """A service's `ValidationError` as {"field": [messages]}; `rename` maps a service's field
    names to the API's."""
    if not hasattr(error, "error_dict"):
        return {NON_FIELD: list(error.messages)}
    rename = rename or (lambda name: name)
    fields: dict[str, list[str]] = {}
    for name, errors in error.message_dict.items():
        key = NON_FIELD if name == NON_FIELD_ERRORS else rename(name)
        fields.setdefault(key, []).extend(errors)
    return fields


def error_response(exc) -> Response | None:
    """The JSON answer to `exc`; None for an exception that is not an answer (a bug)."""
    if isinstance(exc, InsufficientStock):
        shortages = [
            {
                "product": getattr(s.product, "pk", None),
                "product_name": str(s.product),
                "warehouse": getattr(s.warehouse, "pk", None),
                "warehouse_name": str(s.warehouse),
                "asked": str(s.asked),
                "available": str(s.available),
            }
            for s in exc.shortages
        ]
        return Response(error_body("insufficient_stock", str(exc), shortages=shortages), status.HTTP_409_CONFLICT)
    if isinstance(exc, DocumentStateError):
        return Response(error_body("invalid_state", str(exc)), status.HTTP_409_CONFLICT)
    if isinstance(exc, ConcurrencyError):
        return Response(error_body("busy", str(exc)), status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})
    if isinstance(exc, StockError):
        return Response(error_body("refused", str(exc)), status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        fields = service_fields(exc)
        return Response(error_body("invalid", _summary(fields), fields), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(error_body("not_found", _("Not found.")), status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        if isinstance(exc, exceptions.PermissionDenied):
            message = str(exc.detail)  # DRF's own, e.g. a session request without its CSRF token
        else:
            message = str(exc.args[0]) if exc.args else None
        return Response(
            error_body("permission_denied", message or _("You do not have the right to do this.")),
            status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        message = _("Too many requests; try again in %(seconds)s s.") % {"seconds": wait}
        return Response(
            error_body("rate_limited", message, retry_after=wait),
            status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        return Response(error_body("invalid", _summary(fields), fields), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):  # e.g. a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(error_body("bad_request", _("The request cannot be read.")), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        return Response(error_body(str(code), str(exc.detail)), exc.status_code)
    return None


def exception_handler(exc, context) -> Response | None:
    """DRF's EXCEPTION_HANDLER: `error_response`, with the authentication scheme of a 401 (the
    `auth_header` DRF puts on the exception)."""
    response = error_response(exc)
    if response is not None and getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    return response
