"""The cost of the pages that update themselves (static/js/live.js), measured: gunicorn (sync
workers, as in production) serving 50 open stock pages, each asking for its change version
every second and fetching the page again when it changed, as the script does. Phases: the
server idle; 50 open pages and no change; 50 open pages while a stream of receipts is
processed (through the services, in this process, as an import or the worker would); the
same stream with no page open. Prints the server's CPU (gunicorn's processes, and the
PostgreSQL backends of the database), the database's connections, the answers' times, and
the stream's documents per second and queries per processing.

Run on a database with the demo data (`manage.py load_demo`):
    DEBUG=1 DATABASE_URL=postgres://…/gudang python -m bench.live [--pages 50] [--seconds 20]
"""

import argparse
import http.client
import os
import statistics
import threading
import time
from collections import Counter
from decimal import Decimal
from urllib.parse import urlsplit

import django

VERSION_PATH = "/inventory/stock/live/"
PAGE_PATH = "/inventory/stock/"


class Page(threading.Thread):
    """One open stock page: what static/js/live.js does, on one keep-alive connection."""

    def __init__(self, base_url: str, session: str, stop: threading.Event, interval: float):
        super().__init__(daemon=True)
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = {"Cookie": f"sessionid={session}"}
        self.stop, self.interval = stop, interval
        self.version: bytes | None = None
        self.polls: list[float] = []
        self.renders: list[float] = []
        self.errors = 0

    def get(self, path: str) -> tuple[int, bytes]:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            status, body = self.get(VERSION_PATH)
            self.polls.append(time.monotonic() - started)
            if status != 200:
                self.errors += 1
            elif self.version is not None and body != self.version:
                began = time.monotonic()
                status, _ = self.get(PAGE_PATH)
                self.renders.append(time.monotonic() - began)
                self.errors += status != 200
            self.version = body if status == 200 else self.version
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def server_pids() -> list[int]:
    import psutil

    return [p.pid for p in psutil.Process().children(recursive=True)]


def backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


class Stream(threading.Thread):
    """Receipts of `lines` lines processed one after another, as fast as they go."""

    def __init__(self, stop: threading.Event, lines: int):
        super().__init__(daemon=True)
        self.stop, self.lines = stop, lines
        self.processed = 0
        self.seconds: list[float] = []
        self.queries: Counter[int] = Counter()

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from crm.models import Company
        from inventory.models import DocumentType, Product, Warehouse
        from inventory.services.documents import Header, LineInput, create_document, process_document

        user = get_user_model().objects.get(username="admin")
        warehouses = list(Warehouse.objects.filter(is_active=True).order_by("pk"))
        products = list(Product.objects.order_by("pk")[: self.lines])
        supplier = Company.objects.filter(is_supplier=True).first()
        n = 0
        while not self.stop.is_set():
            header = Header(warehouse=warehouses[n % len(warehouses)], supplier=supplier)
            lines = [LineInput(p, Decimal(1), Decimal(1000)) for p in products]
            document = create_document(doc_type=DocumentType.RECEIPT, by=user, header=header, lines=lines)
            connection.queries_log.clear()  # the log keeps 9,000: a long stream would fill it
            started = time.monotonic()
            with CaptureQueriesContext(connection) as captured:
                process_document(document, by=user)
            self.seconds.append(time.monotonic() - started)
            self.queries[len(captured)] += 1
            self.processed += 1
            n += 1
        connection.close()


def ms(values: list[float], q: float) -> str:
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0] * 1000:.1f}"
    return f"{statistics.quantiles(values, n=100)[int(q) - 1] * 1000:.1f}"


def phase(name: str, seconds: float, *, pages: list[Page] = (), stream: Stream | None = None) -> dict:
    servers = server_pids()
    database = backends()
    cpu_app, cpu_db = cpu_seconds(servers), cpu_seconds(database)
    polls_before = sum(len(p.polls) for p in pages)
    renders_before = sum(len(p.renders) for p in pages)
    processed_before = stream.processed if stream else 0
    time.sleep(seconds)
    database_after = backends()
    app = (cpu_seconds(servers) - cpu_app) / seconds
    db = (cpu_seconds(database_after) - cpu_db) / seconds  # backends that came during the phase start at 0
    polls = [t for p in pages for t in p.polls[polls_before // max(len(pages), 1) :]]
    row = {
        "phase": name,
        "app_cpu": app * 100,
        "db_cpu": db * 100,
        "connections": len(database_after),
        "polls_s": (sum(len(p.polls) for p in pages) - polls_before) / seconds,
        "renders_s": (sum(len(p.renders) for p in pages) - renders_before) / seconds,
        "poll_p50": ms(polls, 50),
        "poll_p95": ms(polls, 95),
        "docs_s": ((stream.processed - processed_before) / seconds) if stream else None,
    }
    print(
        f"{name:<34} | app CPU {row['app_cpu']:5.1f} % | DB CPU {row['db_cpu']:5.1f} % | DB connections "
        f"{row['connections']:>2} | polls/s {row['polls_s']:5.1f} | page renders/s {row['renders_s']:5.1f} | "
        f"poll p50 {row['poll_p50']} ms p95 {row['poll_p95']} ms"
        + (f" | receipts/s {row['docs_s']:.1f}" if row["docs_s"] is not None else "")
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--lines", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.servers import app_servers

    users = [get_user_model().objects.get(username=name) for name in ("admin", "clerk.sby")]
    sessions = []
    for n in range(args.pages):
        client = Client()
        client.force_login(users[n % 2])  # half see every warehouse, half Surabaya only
        sessions.append(client.cookies["sessionid"].value)

    database, secret = settings.DATABASES["default"], {"SECRET_KEY": settings.SECRET_KEY}  # the sessions' key
    with app_servers(database, instances=1, workers=args.workers, worker=False, env=secret) as urls:
        print(f"gunicorn, 1 instance × {args.workers} sync workers; {args.pages} stock pages asking every 1 s")
        phase("idle, no page open", args.seconds)
        stop = threading.Event()
        pages = [Page(urls[0], session, stop, 1.0) for session in sessions]
        for page in pages:
            page.start()
            time.sleep(1.0 / args.pages)  # spread over the second, as pages opened at random times are
        time.sleep(2)
        phase(f"{args.pages} pages open, no change", args.seconds, pages=pages)
        stream_stop = threading.Event()
        stream = Stream(stream_stop, args.lines)
        stream.start()
        phase(f"{args.pages} pages open, receipts processed", args.seconds, pages=pages, stream=stream)
        with_pages = list(stream.seconds)
        stop.set()
        for page in pages:
            page.join()
        time.sleep(1)
        before = len(stream.seconds)
        phase("no page open, receipts processed", args.seconds, stream=stream)
        stream_stop.set()
        stream.join()
        alone = stream.seconds[before:]
        print(
            f"processing a receipt of {args.lines} lines: median {statistics.median(with_pages) * 1000:.1f} ms "
            f"with the pages open, {statistics.median(alone) * 1000:.1f} ms without; "
            f"queries per processing (count: receipts): {dict(sorted(stream.queries.items()))}; "
            f"errors: {sum(p.errors for p in pages)}"
        )


if __name__ == "__main__":
    main()
