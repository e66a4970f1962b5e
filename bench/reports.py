"""The reports and the dashboard at benchmark size: server time of each first page (and a few
filtered variants) through Django's test Client, their query counts, a full-period CSV export of
the stock report (time and memory), and EXPLAIN ANALYZE of every query of every page, the
slowest one's plan printed."""

import resource
import statistics
import time
import traceback
from datetime import timedelta
from pathlib import Path

GOAL_P95_MS = 1000.0
GOAL_EXPORT_SECONDS = 10.0


def variants(product_id: int, warehouse_id: int) -> list[tuple[str, str, str]]:
    """(URL name, label, query string) of what is measured; dates relative to today."""
    from django.utils import timezone

    today = timezone.localdate()
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    return [
        ("home", "dashboard", ""),
        ("reports:dashboard_sales", "dashboard, sales part", "part=1"),
        ("reports:stock", "stock, today", ""),
        ("reports:stock", "stock, 30 days ago", f"day={ago(30)}"),
        ("reports:stock", "stock, 200 days ago", f"day={ago(200)}"),
        ("reports:stock", "stock, by category", "group=category"),
        ("reports:stock", "stock, sorted by value", "sort=-value"),
        ("reports:movements", "movements, this month", ""),
        ("reports:movements", "movements, 90 days", f"date_from={ago(90)}"),
        ("reports:movements", "movements, sorted by out", f"date_from={ago(90)}&sort=-quantity_out"),
        ("reports:ledger", "ledger, one balance, a year",
         f"product={product_id}&warehouse={warehouse_id}&date_from={ago(366)}"),
        ("reports:gross_profit", "gross profit, this month", ""),
        ("reports:gross_profit", "gross profit, a year by month", f"date_from={ago(366)}&group_by=month"),
        ("reports:gross_profit", "gross profit, a year by product", f"date_from={ago(366)}"),
        ("reports:trace", "trace, one product", f"product={product_id}"),
        ("reports:low_stock", "low stock", ""),
    ]  # fmt: skip


def add_minimum_levels(every: int = 50) -> int:
    """Minimum levels above what is on hand for every `every`-th balance (the low-stock report's rows)."""
    from django.db import connection

    from inventory.models import MinimumStock, StockBalance

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MinimumStock._meta.db_table} (product_id, warehouse_id, quantity) "
            f"SELECT product_id, warehouse_id, on_hand + 10 FROM {StockBalance._meta.db_table} WHERE id %% %s = 0 "
            "ON CONFLICT (product_id, warehouse_id) DO UPDATE SET quantity = EXCLUDED.quantity",  # kept by --reuse
            [every],
        )
        added = cursor.rowcount
        cursor.execute(f"ANALYZE {MinimumStock._meta.db_table}")
        return added


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def explain(queries: list[dict]) -> tuple[float, str, str]:
    """EXPLAIN ANALYZE each captured query; (the slowest's execution ms, its SQL, its plan)."""
    from django.db import connection

    slowest = (0.0, "", "")
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]
            ms = plan["Execution Time"]
            if ms > slowest[0]:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                slowest = (ms, sql, "\n".join(row[0] for row in cursor.fetchall()))
    return slowest


def measure(user_id: int, requests: int) -> list[str]:
    """Print the table, the export and the slowest plan; return the failures."""
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from inventory.models import StockBalance

    failures = []
    print(f"minimum levels added for the low-stock report: {add_minimum_levels()}")
    balance = StockBalance.objects.order_by("id")[StockBalance.objects.count() // 2]
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    print(f"{'page':<32} {'status':>6} {'KiB':>5} {'queries':>7} {'median ms':>9} {'p95 ms':>8} {'max ms':>8}  p95<1s")
    slowest = (0.0, "", "", "")
    for name, label, query in variants(balance.product_id, balance.warehouse_id):
        try:
            url = reverse(name) + (f"?{query}" if query else "")
        except NoReverseMatch:
            failures.append(f"report {name}: the URL name does not exist")
            print(f"{label:<32} MISSING (no URL {name})")
            continue
        try:
            client.get(url)  # warm up
            reset_queries()  # a full query log (9,000 entries) would capture nothing
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            queries = captured.captured_queries  # now: each request clears the query log
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            ms, sql, plan = explain(queries)
            if ms > slowest[0]:
                slowest = (ms, label, sql, plan)
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            failures.append(f"{label}: {type(error).__name__}: {error} [{Path(where.filename).name}:{where.lineno}]")
            print(f"{label:<32} ERROR {type(error).__name__}: {error}")
            continue
        p95 = percentile(times, 0.95)
        ok = response.status_code == 200 and p95 < GOAL_P95_MS
        print(
            f"{label:<32} {response.status_code:>6} {len(response.content) / 1024:>5.0f} {len(queries):>7} "
            f"{statistics.median(times):>9.1f} {p95:>8.1f} {max(times):>8.1f}  {'yes' if ok else 'NO'}",
            flush=True,
        )
        if response.status_code != 200:
            failures.append(f"{label}: status {response.status_code}")

    url = reverse("reports:stock") + "?format=csv"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code == 302:  # more rows than an inline export: the background job, run here
        from reports.models import ExportJob, ExportStatus
        from reports.services.exports import run_export

        job = run_export(ExportJob.objects.filter(user_id=user_id).latest("pk").pk)
        how = f"as a background job ({job.status})"
        size, lines = len(job.content or b""), job.rows_done + 1
        if job.status != ExportStatus.DONE:
            failures.append(f"stock report CSV export: the job ended {job.status}: {job.error}")
    else:
        how, size, lines = "streamed", 0, 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(
        f"\nstock report, full CSV export {how}: {lines - 1} rows, {size / 1024 / 1024:.1f} MiB in {seconds:.1f} s "
        f"(goal < {GOAL_EXPORT_SECONDS:g} s: {'MET' if seconds < GOAL_EXPORT_SECONDS else 'NOT MET'}), "
        f"peak memory grew by {grown:.0f} MiB"
    )
    if slowest[1]:
        print(f"\nslowest query of the report pages: {slowest[0]:.1f} ms, in “{slowest[1]}”:\n{slowest[2]}\n")
        print(slowest[3])
    return failures
