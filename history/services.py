"""Who changes what: the actor and source attached to the change-history events.

django-pghistory's triggers copy each tracked row into its event table and read the context
(`pghistory.context_id`, `pghistory.context_metadata`) from the session's settings. pghistory's
own `pghistory.context` prepends a `SELECT set_config(…);` to every write statement, which a
connection with server-side binding (Gudang's, `config.database`) refuses ("cannot insert
multiple commands into a prepared statement"), so the context is set here by a statement of
its own:

- outside a transaction (where a web request, a task or a command starts), once per context
  and connection, for the session (nothing can roll it back; it is cleared when the context
  ends);
- inside a transaction that began before the context (a test's, a caller's `atomic`), before
  each write statement, for that transaction only.

The web requests get their context from `history.middleware.HistoryMiddleware`, the API's
token-authenticated ones from `api.authentication` (`note_actor`), everything else (the db
worker, management commands) from `acting`.
"""

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

WRITES = ("insert", "update", "delete", "with", "merge")
SET = "SELECT set_config('pghistory.context_id', %s, {local}), set_config('pghistory.context_metadata', %s, {local})"


@dataclass
class _Context:
    id: uuid.UUID
    metadata: dict = field(default_factory=dict)
    version: int = 0


_current = threading.local()
CLEAR = "SELECT set_config('pghistory.context_id', '', false), set_config('pghistory.context_metadata', '', false)"
SESSION_MARK = "_gudang_history_context"  # on the connection: (raw connection id, context id, version) set


def _active() -> _Context | None:
    return getattr(_current, "context", None)


def _set(cursor, context: _Context, *, local: bool) -> None:
    cursor.execute(SET.format(local="true" if local else "false"), [str(context.id), json.dumps(context.metadata)])


def _mark(context: _Context) -> tuple:
    return (id(connection.connection), context.id, context.version)


def _set_for_session(context: _Context) -> None:
    """Outside a transaction: set the context on the session now (autocommitted)."""
    if connection.in_atomic_block:
        return
    connection.ensure_connection()
    if getattr(connection, SESSION_MARK, None) != _mark(context):
        with connection.connection.cursor() as cursor:
            _set(cursor, context, local=False)
        setattr(connection, SESSION_MARK, _mark(context))


def _before_write(execute, sql, params, many, context):
    current = _active()
    text = sql.decode() if isinstance(sql, bytes) else sql
    if current is not None and text.lstrip()[:6].lower().startswith(WRITES):
        if getattr(connection, SESSION_MARK, None) != _mark(current):
            in_transaction = connection.in_atomic_block
            # On the driver's cursor: a setting, not one of the request's queries (nor counted as one).
            _set(context["cursor"].cursor, current, local=in_transaction)
            if not in_transaction:
                setattr(connection, SESSION_MARK, _mark(current))
    return execute(sql, params, many, context)


def _clear_session() -> None:
    mark = getattr(connection, SESSION_MARK, None)
    if mark is None:
        return
    delattr(connection, SESSION_MARK)
    raw = connection.connection
    # Left inside a transaction, the clearing holds once that commits (a failed transaction cannot
    # run it: a context is meant to wrap whole transactions, as the middleware and tasks do).
    if raw is not None and not raw.closed and mark[0] == id(raw) and not connection.needs_rollback:
        with raw.cursor() as cursor:
            cursor.execute(CLEAR)


def _actor_id(user) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


@contextmanager
def acting(user, *, source: str, **extra) -> Iterator[None]:
    """Attribute the changes made inside to `user` (None or anonymous: nobody) coming from
    `source` ("web", "api", "worker", "command", …). Nested, the inner actor holds until it ends."""
    metadata = {"user": _actor_id(user), "source": source, **extra}
    outer = _active()
    if outer is not None:
        previous = outer.metadata
        outer.metadata = metadata
        outer.version += 1
        _set_for_session(outer)
        try:
            yield
        finally:
            outer.metadata = previous
            outer.version += 1
            _set_for_session(outer)
        return
    _current.context = _Context(id=uuid.uuid4(), metadata=metadata)
    try:
        with connection.execute_wrapper(_before_write):
            _set_for_session(_current.context)
            yield
    finally:
        del _current.context
        _clear_session()


def note_actor(user) -> None:
    """Name `user` as the actor of the current context's further changes (the API learns who
    acts only when DRF authenticates a token, after the middleware began the context)."""
    current = _active()
    if current is not None:
        current.metadata = {**current.metadata, "user": _actor_id(user)}
        current.version += 1
        _set_for_session(current)
