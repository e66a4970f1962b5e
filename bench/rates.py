"""Documents per second: the application's services, the same with costing switched off, and
the same work in bare SQL.

Each worker is a separate process (fork), with its own database connection. Workers prepare,
wait at a barrier, then create and process 10-line sales orders (random distinct products,
quantity 1, a random warehouse) until their time is up.
"""

import multiprocessing as mp
import random
import time
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

LINES = 10


@dataclass
class Result:
    kind: str
    workers: int
    documents: int
    seconds: float
    errors: int
    first_error: str

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @classmethod
    def combined(cls, parts: "list[Result]") -> "Result":
        """The slices of one run as one: their documents over their time."""
        return cls(
            parts[0].kind,
            parts[0].workers,
            sum(part.documents for part in parts),
            sum(part.seconds for part in parts),
            sum(part.errors for part in parts),
            next((part.first_error for part in parts if part.first_error), ""),
        )


# --- the application ---------------------------------------------------------------------------


class AppWorker:
    """create_document + process_document, as a view would call them."""

    def __init__(self, ctx: dict, seed: int):
        from django.contrib.auth import get_user_model

        from crm.models import Company
        from inventory.models import Product, Warehouse

        self.rng = random.Random(seed)
        # One user object per worker, as one per request: its permission cache is filled by
        # the first document (the warm-up, not measured) and reused.
        self.user = get_user_model().objects.get(pk=ctx["user_id"])
        self.client = Company.objects.get(pk=ctx["company_id"])
        self.warehouses = list(Warehouse.objects.filter(pk__in=ctx["warehouse_ids"]))
        # The products a form would have resolved; loading them is not part of the measure.
        self.products = list(Product.objects.all())

    def one(self) -> None:
        from inventory.models import DocumentType
        from inventory.services.documents import Header, LineInput, create_document, process_document

        document = create_document(
            doc_type=DocumentType.SALES_ORDER,
            by=self.user,
            header=Header(warehouse=self.rng.choice(self.warehouses), client=self.client),
            lines=[LineInput(product=p, quantity=Decimal(1)) for p in self.rng.sample(self.products, LINES)],
        )
        process_document(document, by=self.user)

    def close(self) -> None:
        from django.db import connections

        connections.close_all()


@contextmanager
def costing_off() -> Iterator[None]:
    """Costing switched off in this process, for the comparison: the document services' costing
    calls replaced by stand-ins that post nothing (the app itself has no such switch)."""
    from inventory.services.costing import Posting

    with mock.patch.multiple(
        "inventory.services.documents",
        check_currency=lambda *args, **kwargs: None,
        plan_processing=lambda *args, **kwargs: Posting(),
        plan_cancellation=lambda *args, **kwargs: Posting(),
    ):
        yield


class AppWorkerWithoutCosting(AppWorker):
    """The same documents with `costing_off` for the worker's life (its own process)."""

    def __init__(self, ctx: dict, seed: int):
        self.switch = ExitStack()
        self.switch.enter_context(costing_off())
        super().__init__(ctx, seed)

    def close(self) -> None:
        super().close()
        self.switch.close()


# --- bare SQL ------------------------------------------------------------------------------------

BARE_SEQUENCE = "bench_bare_number"


class BareWorker:
    """The minimum a processed sales order needs, in one transaction with psycopg."""

    def __init__(self, ctx: dict, seed: int):
        import psycopg

        from inventory.models import Product

        self.rng = random.Random(seed)
        self.conn = psycopg.connect(**ctx["connect"])
        self.user_id, self.client_id = ctx["user_id"], ctx["company_id"]
        self.warehouse_ids = ctx["warehouse_ids"]
        self.product_ids = list(Product.objects.values_list("pk", flat=True))
        from django.db import connections

        connections.close_all()  # the Django connection was only needed for the ids above
        from inventory.models import Reservation, StockBalance, StockDocument, StockMove

        self.t_doc = StockDocument._meta.db_table
        self.t_bal = StockBalance._meta.db_table
        self.t_move = StockMove._meta.db_table
        self.t_res = Reservation._meta.db_table

    def one(self) -> None:
        warehouse_id = self.rng.choice(self.warehouse_ids)
        product_ids = sorted(self.rng.sample(self.product_ids, LINES))
        conn = self.conn
        with conn.transaction():
            cur = conn.cursor()
            cur.execute(
                f"""INSERT INTO {self.t_doc}
                    (doc_type, number, status, date, responsible_id, currency, comment, warehouse_id,
                     client_id, reason, custom, created_by_id, created_at, updated_at,
                     delivery_status, carrier, tracking_number, received_by)
                    VALUES ('sales_order', 'B-' || nextval('{BARE_SEQUENCE}'), 'draft', CURRENT_DATE, %s, 'IDR', '',
                            %s, %s, '', '{{}}', %s, now(), now(), '', '', '', '')
                    RETURNING id""",
                [self.user_id, warehouse_id, self.client_id, self.user_id],
            )
            (doc_id,) = cur.fetchone()
            cur.execute(f"SELECT status FROM {self.t_doc} WHERE id = %s FOR UPDATE", [doc_id])
            if cur.fetchone()[0] != "draft":  # the status check under the lock
                raise RuntimeError("bare SQL: document not a draft")
            cur.execute(
                f"""SELECT id, product_id, on_hand FROM {self.t_bal}
                    WHERE warehouse_id = %s AND product_id = ANY(%s)
                    ORDER BY warehouse_id, product_id FOR UPDATE""",
                [warehouse_id, product_ids],
            )
            rows = cur.fetchall()
            # What counting reservations hold, read by a statement that starts after the lock.
            cur.execute(
                f"""SELECT product_id, SUM(quantity) FROM {self.t_res}
                    WHERE status = 'active' AND reserved_until > now()
                    AND warehouse_id = %s AND product_id = ANY(%s) GROUP BY product_id""",
                [warehouse_id, product_ids],
            )
            reserved = dict(cur.fetchall())
            if len(rows) != LINES or any(on_hand - reserved.get(p, 0) < 1 for _, p, on_hand in rows):
                raise RuntimeError("bare SQL: balance missing or short")
            values = ", ".join(["(%s::bigint, %s::numeric)"] * LINES)
            cur.execute(
                f"UPDATE {self.t_bal} AS b SET on_hand = b.on_hand + v.delta "
                f"FROM (VALUES {values}) AS v(id, delta) WHERE b.id = v.id",
                [x for row in rows for x in (row[0], -1)],
            )
            move_values = ", ".join(["(%s, %s, %s, -1, %s, false, now())"] * LINES)
            cur.execute(
                f"INSERT INTO {self.t_move} (document_id, warehouse_id, product_id, quantity, balance_after, "
                f"is_reversal, created_at) VALUES {move_values}",
                [x for _, product_id, on_hand in rows for x in (doc_id, warehouse_id, product_id, on_hand - 1)],
            )
            cur.execute(
                f"UPDATE {self.t_doc} SET status = 'processed', processed_at = now(), processed_by_id = %s, "
                "delivery_status = 'to_pick', updated_at = now() WHERE id = %s",  # its goods wait to be picked
                [self.user_id, doc_id],
            )

    def close(self) -> None:
        self.conn.close()


def create_bare_sequence() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {BARE_SEQUENCE}")


# --- running them ----------------------------------------------------------------------------------

KINDS = {"app": AppWorker, "no costing": AppWorkerWithoutCosting, "bare": BareWorker}


def _worker(kind, ctx, seed, seconds, barrier, results):
    worker = None
    documents = errors = 0
    first_error = ""
    elapsed = 0.0
    try:
        worker = KINDS[kind](ctx, seed)
        worker.one()  # warm up: connection, caches, prepared plans
    except Exception:
        first_error = traceback.format_exc()
        errors += 1
    try:
        barrier.wait(timeout=120)
    except Exception:
        pass
    if worker is not None and not first_error:
        start = time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            try:
                worker.one()
                documents += 1
            except Exception:
                errors += 1
                if not first_error:
                    first_error = traceback.format_exc()
                if errors > 50:
                    break
        elapsed = time.perf_counter() - start
    if worker is not None:
        try:
            worker.close()
        except Exception:
            pass
    results.put((documents, elapsed, errors, first_error))


def run_rate(kind: str, workers: int, seconds: float, ctx: dict) -> Result:
    from django.db import connections

    connections.close_all()  # never share a connection across fork
    mp_ctx = mp.get_context("fork")
    barrier = mp_ctx.Barrier(workers)
    results = mp_ctx.Queue()
    processes = [
        mp_ctx.Process(target=_worker, args=(kind, ctx, 1000 * workers + i, seconds, barrier, results))
        for i in range(workers)
    ]
    for p in processes:
        p.start()
    collected = [results.get(timeout=seconds + 300) for _ in processes]
    for p in processes:
        p.join()
    documents = sum(c[0] for c in collected)
    # Each worker's own rate, summed: workers start together and stop within one document.
    rate_seconds = documents / sum(c[0] / c[1] for c in collected if c[1]) if documents else 0.0
    errors = sum(c[2] for c in collected)
    first_error = next((c[3] for c in collected if c[3]), "")
    return Result(kind, workers, documents, rate_seconds, errors, first_error)
