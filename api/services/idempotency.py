"""Idempotent API requests: a request sent with an `Idempotency-Key` header acts once; a
retry with the same key (same user) gets the first answer again and changes nothing.

The key is claimed by inserting its row in the same transaction as the action: a concurrent
retry's insert waits on that row until the first request commits (then it reads the stored
answer) or rolls back (then it acts itself). So two retries racing never both act, on any
number of app servers. An answer is stored when the action ran: its success, or the service's
refusal (bad input, short stock, a document already processed); a refused right, a missing
object or a busy database are not stored (the transaction, key included, is rolled back).
"""

import hashlib
import json
from collections.abc import Callable
from functools import cache

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.errors import error_body, error_response
from api.models import IdempotentRequest
from inventory.retry import run_with_retry

HEADER = "Idempotency-Key"
STORED_ERRORS = {status.HTTP_400_BAD_REQUEST, status.HTTP_409_CONFLICT}


def fingerprint(request) -> str:
    """What a retry must repeat: the method, the path and the body (parsed, keys sorted)."""
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotency_key(request) -> str | None:
    """The request's `Idempotency-Key` (None without one); a 400 for a malformed one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= 255 or not all("!" <= char <= "~" for char in key):
        raise exceptions.ValidationError(
            {HEADER: [_("Send at most 255 printable ASCII characters without spaces, such as a UUID.")]}
        )
    return key


def run_once(request, action: Callable[[], Response]) -> Response:
    """Answer `request` with `action()`, once per `Idempotency-Key` of the user (see the
    module's docstring); without the header, simply `action()`."""
    key = idempotency_key(request)
    if key is None:
        return action()
    user, print_ = request.user, fingerprint(request)
    return run_with_retry(lambda: _attempt(user, key, print_, action))


@transaction.atomic
def _attempt(user: User, key: str, print_: str, action: Callable[[], Response]) -> Response:
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [user.pk, key, print_])  # waits while another request holds the key
        claimed = cursor.fetchone()
    if claimed is None:
        return _replay(IdempotentRequest.objects.get(user=user, key=key), print_)
    try:
        with transaction.atomic():
            response = action()
    except Exception as error:  # noqa: BLE001 - answered below, or raised again
        response = error_response(error)
        if response is None or response.status_code not in STORED_ERRORS:
            raise
    IdempotentRequest.objects.filter(pk=claimed[0]).update(status_code=response.status_code, body=response.data)
    return response


def _replay(record: IdempotentRequest, print_: str) -> Response:
    if record.fingerprint != print_:
        return Response(
            error_body(
                "idempotency_key_reused",
                _("This Idempotency-Key was used for another request; use a new key for each request."),
            ),
            status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


@cache
def _claim_sql() -> str:
    meta = IdempotentRequest._meta
    table = connection.ops.quote_name(meta.db_table)
    return (
        f"INSERT INTO {table} (user_id, key, fingerprint, created_at) VALUES (%s, %s, %s, now()) "
        "ON CONFLICT (user_id, key) DO NOTHING RETURNING id"
    )
