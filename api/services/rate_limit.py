"""The API's rate limit: requests counted per token (or signed-in user) and minute, in the
database, so that every app server counts against the same limit."""

from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.utils import timezone

from api.models import RateWindow

WINDOW = timedelta(minutes=1)


def window_start(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def hit(bucket: str, *, at: datetime | None = None) -> tuple[int, datetime]:
    """Count one request of `bucket` in the current window; returns the window's count so
    far and when the window ends. One statement (the row is locked only while it runs); the
    first request of a window also removes the bucket's earlier windows."""
    start = window_start(at or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_hit_sql(), [bucket, start])
        (hits,) = cursor.fetchone()
    if hits == 1:
        RateWindow.objects.filter(bucket=bucket, window_start__lt=start).delete()
    return hits, start + WINDOW


@cache
def _hit_sql() -> str:
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    return (
        f"INSERT INTO {table} (bucket, window_start, hits) VALUES (%s, %s, 1) "
        f"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
    )
