"""Server time of list pages at benchmark size, through Django's test Client (no network)."""

import statistics
import time
import traceback
from pathlib import Path

GOAL_P95_MS = 150.0

# (URL name, label, query string)
VARIANTS = [
    ("inventory:stock", "stock, page 1", ""),
    ("inventory:stock", "stock, ?page=50", "page=50"),
    ("inventory:stock", "stock, ?q=kopi", "q=kopi"),
    ("inventory:stock", "stock, ?q=SKU-004321", "q=SKU-004321"),
    ("inventory:product_list", "products, page 1", ""),
    ("inventory:product_list", "products, ?page=50", "page=50"),
    ("inventory:product_list", "products, ?q=kopi", "q=kopi"),
    ("inventory:product_list", "products, ?q=SKU-004321", "q=SKU-004321"),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure_pages(user_id: int, requests: int) -> tuple[list[dict], list[str]]:
    """Return one row per variant and the problems (URL names that do not exist, errors)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    rows, notes = [], []
    missing = set()
    for name, label, query in VARIANTS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            if name not in missing:
                notes.append(f"SKIPPED {name}: the URL name does not exist (reverse() failed).")
                missing.add(name)
            continue
        if query:
            url = f"{url}?{query}"
        try:
            for _ in range(2):  # warm up: template loading, first queries
                response = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            query_count = len(queries)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        except Exception as error:
            # Name the error and measure the other pages; the bench then fails (see run.py).
            where = traceback.extract_tb(error.__traceback__)[-1]
            notes.append(
                f"ERROR {label} ({url}): {type(error).__name__}: {error} [{Path(where.filename).name}:{where.lineno}]"
            )
            continue
        rows.append(
            {
                "label": label,
                "url": url,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": query_count,
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
                "max": max(times),
            }
        )
    return rows, notes
