"""Gudang benchmark: document processing rate (app with and without costing, bare SQL), query
counts, page timings, the costing recompute, the products import.

    .venv/bin/python bench/run.py [--products 10000] [--moves 250000] [--seconds 20] [--workers 1,4]
    .venv/bin/python bench/run.py --tiny    # a smoke run of every part in about a minute (CI)

Exits with 1 when any part fails: an error, a rate of zero, a page that does not answer 200,
a ledger or a value that drifts. Works in its own database (default `gudang_bench`, dropped and recreated
at start, dropped at the end unless --keep) on the server the settings point to: the embedded
PostgreSQL, or DATABASE_URL's server. See bench/README.md.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

GOAL_RATIO = 0.25  # app ≥ 25 % of bare SQL …
GOAL_WORKERS = 4  # … with 4 workers
GOAL_COSTING = 0.80  # the app with costing ≥ 80 % of the app with costing switched off
GOAL_RECOMPUTE_SECONDS = 120  # recompute_costs over 1,000,000 movements under 2 minutes

# What the size options default to; --tiny runs every part at a size that only shows it works.
DEFAULTS = {
    "products": 10000,
    "moves": 250000,
    "seconds": 20.0,
    "rounds": 5,
    "workers": "1,4",
    "requests": 50,
    "api_clients": 8,
    "api_sales": 25,
    "import_rows": 100_000,
}
SCALE = {"products": 100_000, "moves": 1_000_000, "requests": 20}
TINY = {
    "products": 500,
    "moves": 10000,
    "seconds": 2.0,
    "rounds": 2,
    "workers": "1,2",
    "requests": 3,
    "api_clients": 2,
    "api_sales": 3,
    "import_rows": 2000,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help=f"smoke run: {TINY} unless given")
    parser.add_argument("--products", type=int, help=f"default {DEFAULTS['products']}")
    parser.add_argument("--moves", type=int, help=f"default {DEFAULTS['moves']}")
    parser.add_argument("--seconds", type=float, help=f"per rate run, default {DEFAULTS['seconds']:g}")
    parser.add_argument(
        "--rounds",
        type=int,
        help=f"each rate run split into this many slices, the kinds taking turns, default {DEFAULTS['rounds']}",
    )
    parser.add_argument("--workers", help=f"comma-separated worker counts, default {DEFAULTS['workers']}")
    parser.add_argument("--requests", type=int, help=f"requests per page variant, default {DEFAULTS['requests']}")
    parser.add_argument("--db-name", default="gudang_bench")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database at the end")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database an earlier run kept (--keep): no recreate, no preload; implies --keep",
    )
    parser.add_argument(
        "--db-options",
        type=json.loads,
        default=None,
        metavar="JSON",
        help="what-if: merge into DATABASES['default']['OPTIONS'] for the app, "
        'e.g. \'{"server_side_binding": true, "prepare_threshold": 5}\'',
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="the reports at scale: 100,000 products × 3 warehouses, 1,000,000 movements (opening and stock "
        "receipts only, the rest sales), the report pages only (rates, pages, recompute skipped unless asked)",
    )
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument("--skip-rates", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-costing", action="store_true", help="leave out the rate runs without costing")
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--skip-api", action="store_true", help="leave out the API throughput through gunicorn")
    parser.add_argument("--skip-imports", action="store_true", help="leave out the products import")
    parser.add_argument("--import-rows", type=int, help=f"product rows imported, default {DEFAULTS['import_rows']}")
    parser.add_argument("--api-clients", type=int, help=f"concurrent API clients, default {DEFAULTS['api_clients']}")
    parser.add_argument("--api-sales", type=int, help=f"sales orders per API client, default {DEFAULTS['api_sales']}")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also cProfile N app documents in one process and print where the time goes",
    )
    args = parser.parse_args(argv)
    if args.scale:  # the size of the reports' goal; only the reports unless a part is asked for by its size
        args.products = args.products or SCALE["products"]
        args.moves = args.moves or SCALE["moves"]
        args.requests = args.requests or SCALE["requests"]
        args.skip_rates = args.skip_pages = args.skip_recompute = args.skip_api = args.skip_imports = True
    for option, value in (TINY if args.tiny else DEFAULTS).items():
        if getattr(args, option) is None:
            setattr(args, option, value)
    args.workers = [int(w) for w in args.workers.split(",") if w.strip()]
    return args


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 76 - len(title)), flush=True)


def query_counts(ctx: dict) -> None:
    """Queries for creating and processing 1-, 10- and 100-line sales orders, with costing and
    with costing switched off (`rates.costing_off`), and the layers the lines took from."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.preload import costed_since, last_move_id
    from bench.rates import costing_off
    from crm.models import Company
    from inventory.models import DocumentType, Product, Warehouse
    from inventory.services.documents import Header, LineInput, create_document, process_document

    user = get_user_model().objects.get(pk=ctx["user_id"])
    # One user object throughout, as in a request: its permissions are read once (2 queries,
    # paid here, not in the first document's counts).
    user.get_all_permissions()
    client = Company.objects.get(pk=ctx["company_id"])
    warehouse = Warehouse.objects.get(pk=ctx["warehouse_ids"][1])
    # Products without a minimum level there: a document that takes a balance below its minimum
    # notifies (a few queries more, however many lines do), which would make the sizes unequal.
    unwatched = Product.objects.exclude(minimum_levels__warehouse=warehouse)
    products = iter(unwatched.order_by("?")[:222])
    counts = {}
    for costing in (True, False):
        for size in (1, 10, 100):
            chosen = [next(products) for _ in range(size)]
            before = last_move_id()
            with CaptureQueriesContext(connection) as created:
                document = create_document(
                    doc_type=DocumentType.SALES_ORDER,
                    by=user,
                    header=Header(warehouse=warehouse, client=client),
                    lines=[LineInput(product=p, quantity=Decimal(1)) for p in chosen],
                )
            with CaptureQueriesContext(connection) as processed:
                if costing:
                    process_document(document, by=user)
                else:
                    with costing_off():
                        process_document(document, by=user)
            counts[(costing, size)] = (len(created), len(processed), costed_since(before)[1])
            if costing and size == 10:
                ten = (list(created), list(processed))
    heads = ("create queries", "process queries", "layers taken", "process, no costing")
    print(f"{'lines':>6} " + " ".join(f"{head:>{len(head) + 1}}" for head in heads))
    for size in (1, 10, 100):
        c, p, taken = counts[(True, size)]
        print(f"{size:>6} {c:>15} {p:>16} {taken:>13} {counts[(False, size)][1]:>20}")
    for label, costing, index in (
        ("processing", True, 1),
        ("processing without costing", False, 1),
        ("create", True, 0),
    ):
        same = counts[(costing, 1)][index] == counts[(costing, 100)][index]
        print(f"{label + ' query count constant (1 vs 100 lines):':<66} {'YES' if same else 'NO'}")
    print("\nqueries of a 10-line sales order (create, then process):")
    for phase, captured in zip(("create", "process"), ten, strict=True):
        for q in captured:
            sql = " ".join(q["sql"].split())
            print(f"  {phase:<7}  {sql[:140]}{'…' if len(sql) > 140 else ''}")


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds a PostgreSQL backend has used (same machine only, via /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _split(label: str, worker, backend_pid: int, documents: int) -> tuple[float, float | None]:
    """Run `documents` documents; print wall time per document split into client CPU,
    database backend CPU and the rest (commit flush, scheduling, locks). Returns ms/doc, wall
    and CPU (client and backend; None when the backend's is not known)."""
    server_before = _backend_cpu(backend_pid)
    cpu_before = time.process_time()
    start = time.perf_counter()
    for _ in range(documents):
        worker.one()
    wall = (time.perf_counter() - start) / documents * 1000
    client = (time.process_time() - cpu_before) / documents * 1000
    server_after = _backend_cpu(backend_pid)
    if server_before is not None and server_after is not None:
        server = (server_after - server_before) / documents * 1000
        server_text = f"backend CPU {server:5.2f} ms ({server / wall:4.0%})"
        rest = wall - client - server
    else:
        server_text = "backend CPU n/a (server not on this machine)"
        rest = wall - client
        server = None
    print(
        f"{label:<10} {wall:6.2f} ms/doc = client CPU {client:5.2f} ms ({client / wall:4.0%}) + {server_text} "
        f"+ other {rest:5.2f} ms ({rest / wall:4.0%}: commit flush, scheduling, locks)"
    )
    return wall, (client + server if server is not None else None)


def profile_app(ctx: dict, documents: int) -> None:
    """Where a document's time goes, app versus bare SQL, one process each, no profiler; the
    app with costing against costing switched off in CPU time, which the machine's load
    changes less than wall time; then cProfile's top functions for the app."""
    from django.db import connection

    from bench.rates import AppWorker, BareWorker, costing_off

    bare = BareWorker(ctx, seed=8)
    bare.one()
    bare_pid = bare.conn.info.backend_pid
    worker = AppWorker(ctx, seed=7)
    worker.one()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (app_pid,) = cursor.fetchone()
    # Interleaved halves, so both meet the same machine load.
    uncosted = AppWorker(ctx, seed=9)  # the same connection, costing switched off around its documents
    with costing_off():
        uncosted.one()
    app_ms = bare_ms = 0.0
    cpu: dict[str, list[float | None]] = {"app": [], "no costing": []}
    for _ in range(2):
        wall, app_cpu = _split("app", worker, app_pid, documents // 2)
        app_ms += wall / 2
        cpu["app"].append(app_cpu)
        bare_ms += _split("bare", bare, bare_pid, documents // 2)[0] / 2
        with costing_off():
            cpu["no costing"].append(_split("no costing", uncosted, app_pid, documents // 2)[1])
    bare.close()
    print(f"single process: app {app_ms:.2f} ms/doc vs bare {bare_ms:.2f} ms/doc → app/bare {bare_ms / app_ms:.1%}")
    if all(x is not None for values in cpu.values() for x in values):
        costed, plain = (sum(x for x in cpu[kind] if x is not None) / 2 for kind in ("app", "no costing"))
        print(
            f"CPU per document (client and backend): costing {costed:.2f} ms, no costing {plain:.2f} ms "
            f"→ costing/no costing {plain / costed:.1%}"
        )

    in_db = [0.0, 0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_db[0] += time.perf_counter() - start
            in_db[1] += 1

    n = max(1, documents // 2)
    start = time.perf_counter()
    with connection.execute_wrapper(timed):
        for _ in range(n):
            worker.one()
    per_doc = (time.perf_counter() - start) / n * 1000
    db_ms = in_db[0] / n * 1000
    print(
        f"app: {in_db[1] / n:.0f} cursor.execute calls per document take {db_ms:.2f} of {per_doc:.2f} ms "
        f"({db_ms / per_doc:.0%}, includes their Python-side SQL conversion); outside them: "
        f"ORM/model Python and the 2 COMMITs"
    )

    # Client CPU only (time.process_time as the timer): waits for the server do not count.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(n):
        worker.one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"\napp client CPU under cProfile: {total / n * 1000:.2f} ms per document (with profiler overhead)")
    for key, limit in (("cumulative", 45), ("tottime", 20)):
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats(key).print_stats(limit)
        text = out.getvalue()
        text = text[text.find("   ncalls") :].rstrip()
        text = text.replace(str(ROOT) + "/", "").replace(str(Path(os.__file__).parent) + "/", "")
        text = text.replace(".venv/lib/python3.11/site-packages/", "")
        print(f"\n-- client CPU, top {limit} by {key} (seconds over {n} documents) --\n{text}")
    worker.close()


def main(argv=None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    from bench import db

    original = db.point_settings_at(args.db_name)
    if args.db_options:
        from django.conf import settings

        settings.DATABASES["default"]["OPTIONS"] = {
            **settings.DATABASES["default"].get("OPTIONS", {}),
            **args.db_options,
        }
        print(f"what-if: app connection OPTIONS {settings.DATABASES['default']['OPTIONS']}")
    print(
        f"Gudang bench: products={args.products} moves={args.moves} seconds={args.seconds} "
        f"workers={args.workers} database={args.db_name} (server of "
        f"{'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'the embedded PostgreSQL'}), "
        f"cpus={os.cpu_count()}",
        flush=True,
    )
    if args.reuse:
        args.keep = True
        db.refuse_developer_database(original, args.db_name)
    else:
        db.recreate_database(original, args.db_name)
    try:
        return run(args, original, began)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nkept database {args.db_name!r}")
        else:
            db.drop_database(original, args.db_name)
            print(f"\ndropped database {args.db_name!r}")


def run(args, original: dict, began: float) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import db, pages, preload, rates, recompute

    with connection.cursor() as cursor:
        print("server:", db.server_summary(cursor))
    print(f"DEBUG={settings.DEBUG}, load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    section("setup")
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    if args.reuse:
        loaded = preload.kept()
    else:
        loaded = preload.preload(products=args.products, moves=args.moves, recent=not args.scale)
    preload.vacuum_analyze()
    print(
        f"{'kept data' if args.reuse else 'preload'}: {time.perf_counter() - t:.1f} s — "
        f"{loaded['products']} products, {loaded['balances']} balances, "
        f"{loaded['documents']} processed documents ({loaded['receipts']} receipts), {loaded['lines']} lines, "
        f"{loaded['moves']} movements, {loaded['layers']} cost layers ({loaded['open_layers']} open, FIFO)"
    )
    failures = []  # any entry makes the bench exit with 1
    drift = preload.check_ledger()
    print("ledger check (balance = Σ movements):", "OK" if not drift else "DRIFT " + "; ".join(drift))
    failures += [f"ledger after the preload: {d}" for d in drift]
    if args.reuse:  # these check a preload (at the scale size they take many minutes)
        print("value and daily stock changes checks: skipped (--reuse)")
    else:
        drift = preload.check_values(quantities=True)
        print("value check (value = Σ layers = Σ movement values):", "OK" if not drift else "DRIFT " + "; ".join(drift))
        failures += [f"values after the preload: {d}" for d in drift]
        from inventory.selectors.ledger import stock_day_drift

        days = stock_day_drift()
        print("daily stock changes check (Σ days = balance):", "OK" if not days else f"DRIFT in {len(days)} balances")
        failures += [f"daily stock changes after the preload: {d}" for d in days[:5]]
    rates.create_bare_sequence()
    ctx = {
        "user_id": loaded["user_id"],
        "company_id": loaded["company_id"],
        "warehouse_ids": loaded["warehouse_ids"],
        "connect": db.connect_kwargs(settings.DATABASES["default"]),
    }

    section("query counts (CaptureQueriesContext)")
    query_counts(ctx)

    results = {}
    if not args.skip_rates:
        kinds = ("app", "bare") if args.skip_costing else ("app", "no costing", "bare")
        section(
            f"documents/second, 10-line sales orders, {args.seconds:g} s per run "
            f"in {args.rounds} slices, the kinds taking turns"
        )
        # The runs of one worker count take turns, slice by slice, so that they meet the same
        # machine load (on a shared machine it drifts within seconds), in turn forwards and
        # backwards, so that none always follows the same one (and the vacuuming it leaves).
        layers_per_line, round_ratios = {}, {}
        for workers in args.workers:
            slices: dict[str, list[rates.Result]] = {kind: [] for kind in kinds}
            lines = takes = 0
            for round_ in range(args.rounds):
                for kind in kinds if round_ % 2 == 0 else reversed(kinds):
                    before = preload.last_move_id()
                    slices[kind].append(rates.run_rate(kind, workers, args.seconds / args.rounds, ctx))
                    if kind == "app":
                        costed = preload.costed_since(before)
                        lines, takes = lines + costed[0], takes + costed[1]
            layers_per_line[workers] = takes / lines if lines else 0.0
            if "no costing" in kinds:
                round_ratios[workers] = [
                    on.rate / off.rate if off.rate else 0.0
                    for on, off in zip(slices["app"], slices["no costing"], strict=True)
                ]
            for kind in kinds:
                result = results[(kind, workers)] = rates.Result.combined(slices[kind])
                extra = f", {layers_per_line[workers]:.2f} layers taken per line" if kind == "app" else ""
                print(
                    f"{kind:>10} × {workers}: {result.documents:6d} documents, {result.rate:8.1f} docs/s"
                    + (f", {result.errors} errors" if result.errors else "")
                    + extra,
                    flush=True,
                )
                if result.first_error:
                    print("     first error:\n" + result.first_error)
                if result.errors or not result.documents:
                    failures.append(f"{kind} × {workers}: {result.documents} documents, {result.errors} errors")
        print()
        print(f"{'workers':>7} | {'app docs/s':>10} | {'bare SQL docs/s':>15} | {'app/bare':>8}")
        print(f"{'-' * 7}-+-{'-' * 10}-+-{'-' * 15}-+-{'-' * 8}")
        for workers in args.workers:
            app, bare = results[("app", workers)], results[("bare", workers)]
            ratio = app.rate / bare.rate if bare.rate else 0.0
            print(f"{workers:>7} | {app.rate:>10.1f} | {bare.rate:>15.1f} | {ratio:>7.1%}")
        if GOAL_WORKERS in args.workers:
            app, bare = results[("app", GOAL_WORKERS)], results[("bare", GOAL_WORKERS)]
            ratio = app.rate / bare.rate if bare.rate else 0.0
            met = ratio >= GOAL_RATIO and not app.errors
            print(
                f"goal: app ≥ {GOAL_RATIO:.0%} of bare SQL with {GOAL_WORKERS} workers: "
                f"{'MET' if met else 'NOT MET'} ({ratio:.1%})"
            )
        else:
            print(f"goal: not evaluated (run with {GOAL_WORKERS} workers)")
        if not args.skip_costing:
            section("costing: the app's rate with costing (FIFO) against costing switched off")
            print(
                f"{'workers':>7} | {'costing docs/s':>14} | {'no costing docs/s':>17} | "
                f"{'costing/no costing':>18} | {'layers per line':>15}"
            )
            print(f"{'-' * 7}-+-{'-' * 14}-+-{'-' * 17}-+-{'-' * 18}-+-{'-' * 15}")
            ratios = {}
            for workers in args.workers:
                on, off = results[("app", workers)], results[("no costing", workers)]
                ratios[workers] = on.rate / off.rate if off.rate else 0.0
                print(
                    f"{workers:>7} | {on.rate:>14.1f} | {off.rate:>17.1f} | {ratios[workers]:>17.1%} | "
                    f"{layers_per_line[workers]:>15.2f}"
                )
            for workers, each in round_ratios.items():
                print(
                    f"costing/no costing slice by slice, {workers} worker(s): "
                    + ", ".join(f"{ratio:.1%}" for ratio in each)
                )
            print(
                f"goal: costing ≥ {GOAL_COSTING:.0%} of no costing: "
                + ", ".join(
                    f"{'MET' if ratio >= GOAL_COSTING else 'NOT MET'} with {workers} ({ratio:.1%})"
                    for workers, ratio in ratios.items()
                )
            )
        drift = preload.check_ledger()
        print("ledger check after the runs:", "OK" if not drift else "DRIFT " + "; ".join(drift))
        failures += [f"ledger after the runs: {d}" for d in drift]
        drift = preload.check_values()
        print("value check after the runs:", "OK" if not drift else "DRIFT " + "; ".join(drift))
        failures += [f"values after the runs: {d}" for d in drift]

    if args.profile:
        section(f"profile: {args.profile} app documents, 1 process")
        profile_app(ctx, args.profile)

    if not args.skip_pages:
        section(f"page timings, {args.requests} requests each, administrator role, test Client")
        import logging
        import warnings

        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors are summarised below
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic
        rows, notes = pages.measure_pages(ctx["user_id"], args.requests)
        if rows:
            print(
                f"{'page':<26} {'status':>6} {'KiB':>6} {'queries':>7} "
                f"{'median ms':>9} {'p95 ms':>8} {'max ms':>8}  p95<150"
            )
            for r in rows:
                ok = r["p95"] < pages.GOAL_P95_MS and r["status"] == 200
                print(
                    f"{r['label']:<26} {r['status']:>6} {r['bytes'] / 1024:>6.0f} {r['queries']:>7} "
                    f"{r['median']:>9.1f} {r['p95']:>8.1f} {r['max']:>8.1f}  {'yes' if ok else 'NO'}"
                )
        for note in notes:
            print(note)
        failures += notes
        failures += [f"{r['label']}: status {r['status']}" for r in rows if r["status"] != 200]

    if not args.skip_api:
        from bench import api

        section(f"API: sales orders through gunicorn, {args.api_clients} clients × {args.api_sales} each")
        failures += api.measure(ctx, clients=args.api_clients, each=args.api_sales)

    if not args.skip_reports:
        from bench import reports

        section(f"reports and dashboard, {args.requests} requests each, administrator role, test Client")
        failures += reports.measure(ctx["user_id"], args.requests)

    if not args.skip_imports:
        from bench import imports

        section(f"imports: {args.import_rows:,} product rows from CSV, preview and run")
        failures += imports.measure(ctx["user_id"], args.import_rows)

    if not args.skip_recompute:
        section("recompute: the costing rebuilt from the ledger")
        failures += recompute.measure(GOAL_RECOMPUTE_SECONDS)

    print(
        f"\ntotal time: {time.perf_counter() - began:.0f} s, "
        f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if failures:
        print(f"\nbench FAILED ({len(failures)}):\n  " + "\n  ".join(failures))
        return 1
    print("\nbench OK: every part ran without error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
