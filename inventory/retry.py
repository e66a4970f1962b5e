"""Bounded retry of a transaction that PostgreSQL aborted to break a deadlock or a
serialization conflict. Lock order (see `inventory.locks`) makes these rare; the retry makes
sure a user never sees one."""

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from inventory.errors import ConcurrencyError

RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure
ATTEMPTS = 5
T = TypeVar("T")
P = ParamSpec("P")


def run_with_retry(work: Callable[[], T]) -> T:
    """Run `work` (which opens its own transaction); retry it on deadlock or serialization
    failure. Inside an outer transaction it runs once: the outer one owns the retry."""
    if connection.in_atomic_block:
        return work()
    attempt = 1
    while True:
        try:
            return work()
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in RETRYABLE_SQLSTATES:
                raise
            if attempt == ATTEMPTS:
                raise ConcurrencyError(
                    _("The database is busy with the same goods; nothing was changed. Please try again.")
                ) from error
        time.sleep(random.uniform(0.01, 0.05) * attempt)
        attempt += 1


def retried(service: Callable[P, T]) -> Callable[P, T]:
    """Decorator of a service: it runs in its own transaction (`transaction.atomic`) under
    `run_with_retry`. Called inside a caller's transaction, it runs once, in a savepoint: the
    outermost service owns the retry, so it must re-read (under its locks) everything it acts
    on rather than trust the objects it was given."""
    atomic = transaction.atomic(service)

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_with_retry(lambda: atomic(*args, **kwargs))

    return run
