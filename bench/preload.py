"""Fast preload of a consistent ledger with COPY (not what is measured).

- 3 warehouses, `products` products (each with a barcode and one of 20 categories);
- per (warehouse, product), in receipts of up to 1,000 lines at prices a few percent apart
  (RECEIPT_PRICES): an opening receipt a year ago of what the history below sells of it plus
  half a unit, RECENT receipts of one unit in the last weeks, and a stock receipt yesterday of
  OPENING units (1,000,000);
- the rest of `moves` as processed 10-line sales orders of 1–5 units, spread over the eleven
  months after the opening;
- the costing of all of it under FIFO, by the app's own rules (`inventory.valuation.Book`):
  cost layers, layer takes, movement values, balance values. So each balance starts the
  measured runs with 2 + RECENT open layers (half a unit, RECENT single units, the stock) and a
  sale of one unit takes from two layers until the single units are gone;
- balances equal to the sum of their movements, every movement's `balance_after` the running
  sum, document sequences continued after the preloaded numbers.

Rows are built in Python and sent with COPY every FLUSH_MOVES movements (the memory does not
grow with `moves`); fields the preload does not set get their model default, so a field another
engineer adds with a default does not break the bench.
"""

import random
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from accounts.catalogue import ADMINISTRATOR
from crm.models import Company
from inventory.models import (
    Barcode,
    Category,
    CostingMethod,
    CostLayer,
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    LayerTake,
    MoveCost,
    Product,
    StockBalance,
    StockDocument,
    StockMove,
    ValueAdjustment,
    Warehouse,
)
from inventory.models.documents import NUMBER_PREFIX
from inventory.services.stock_days import rebuild_sales_days, rebuild_stock_days
from inventory.valuation import Book, Layer, to_cent

OPENING = Decimal("1000000")
HALF = Decimal("0.5")  # left of the opening layer after the history: the next sale of 1 takes two layers
RECENT = 3  # receipts of one unit per balance in the last weeks
# The unit price of each round of receipts (opening, the RECENT ones, the stock) × the product's
# purchase price, which is the last one's, as the app leaves it.
RECEIPT_PRICES = [Decimal("0.92"), Decimal("0.94"), Decimal("0.96"), Decimal("0.98"), Decimal("1")]
RECEIPT_LINES = 1000
SALES_LINES = 10
FLUSH_MOVES = 200_000
WAREHOUSES = 3

WORDS_A = [
    "Beras",
    "Gula",
    "Minyak",
    "Kopi",
    "Teh",
    "Sabun",
    "Sampo",
    "Susu",
    "Tepung",
    "Garam",
    "Kecap",
    "Saus",
    "Mie",
    "Biskuit",
    "Roti",
    "Air",
    "Deterjen",
    "Pasta",
    "Sikat",
    "Tisu",
]
WORDS_B = [
    "Premium",
    "Hemat",
    "Super",
    "Organik",
    "Merah",
    "Putih",
    "Hitam",
    "Manis",
    "Asin",
    "Pedas",
    "Besar",
    "Kecil",
    "Keluarga",
    "Ekonomis",
    "Spesial",
]
UNITS = ["pcs", "box", "kg", "l", "pack"]


def _copy(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY `rows` (dicts keyed by field attname, `id` included) into the model's table; fields
    not in a row get their default (auto_now fields: now)."""
    rows = list(rows)
    if not rows:
        return 0
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # the database computes those
    given = set(rows[0])
    defaults = {}
    for f in fields:
        if f.attname in given:
            continue
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[f.attname] = now
        elif f.has_default() or f.null:
            defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        elif getattr(f, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
            continue  # let the database fill it
        elif isinstance(f, (models.CharField, models.TextField)) and f.blank:
            defaults[f.attname] = ""
        else:
            raise RuntimeError(f"bench preload: no value for required field {model.__name__}.{f.name}")
    columns = [f.attname for f in fields if f.attname in given or f.attname in defaults]
    preps = {f.attname: f for f in fields}
    table = model._meta.db_table
    column_sql = ", ".join(connection.ops.quote_name(preps[c].column) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({column_sql}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] if c in row else defaults[c] for c in columns])
    return len(rows)


def preload(*, products: int, moves: int, seed: int = 1, recent: bool = True) -> dict:
    """Fill the (freshly migrated, empty) database; return what the workers need. Without
    `recent`, only the opening and the stock receipts (the scale mode: more of `moves` for the
    history)."""
    rng = random.Random(seed)
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    InventorySettings.objects.update_or_create(id=1, defaults={"costing_method": CostingMethod.FIFO})

    User = get_user_model()
    # A realistic employee, not a superuser: the permission checks run as they do for people
    # (roles are groups, created by `migrate`).
    admin = User.objects.create_user("bench", "bench@example.com", None)
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    partner = Company.objects.create(name="PT Bench Mitra", is_supplier=True, is_client=True)
    warehouses = [
        Warehouse.objects.create(name=f"Gudang {i + 1}", code=f"WH{i + 1}", is_default=(i == 0))
        for i in range(WAREHOUSES)
    ]
    categories = [Category.objects.create(name=f"{w} & co") for w in WORDS_A]

    # Products and barcodes.
    product_rows, barcode_rows = [], []
    for i in range(1, products + 1):
        price = Decimal(rng.randint(1_000, 500_000))
        product_rows.append(
            {
                "id": i,
                "sku": f"SKU-{i:06d}",
                "name": f"{WORDS_A[i % len(WORDS_A)]} {WORDS_B[(i // len(WORDS_A)) % len(WORDS_B)]} {i}",
                "unit": UNITS[i % len(UNITS)],
                "category_id": categories[i % len(categories)].pk,
                "purchase_price": price,
                "selling_price": (price * Decimal("1.25")).quantize(Decimal("1")),
                "vat_rate": Decimal("11"),
                "is_active": True,
                "created_at": year_ago + timedelta(minutes=i),
            }
        )
        barcode_rows.append({"id": i, "product_id": i, "code": f"899{i:010d}"})
    _copy(Product, product_rows)
    _copy(Barcode, barcode_rows)
    prices = {row["id"]: row["purchase_price"] for row in product_rows}

    # The history's sales first: the opening receipts bring in what they sell (and half a unit).
    opening, *recent_prices, stock = RECEIPT_PRICES
    if not recent:
        recent_prices = []
    rounds = 2 + len(recent_prices)
    receipts_per_round = WAREHOUSES * -(-products // RECEIPT_LINES)
    receipt_moves = rounds * WAREHOUSES * products
    sales_count = max(0, moves - receipt_moves) // SALES_LINES
    warehouse_ids = [w.pk for w in warehouses]

    def sales_orders():
        """The history's sales orders, (warehouse id, [(product id, quantity)]): the same each
        time (generated twice rather than held: at 10M movements they would not fit)."""
        sales_rng = random.Random(f"{seed}-sales")
        for _ in range(sales_count):
            warehouse_id = sales_rng.choice(warehouse_ids)
            picked = sorted(sales_rng.sample(range(1, products + 1), SALES_LINES))
            yield warehouse_id, [(p, Decimal(sales_rng.randint(1, 5))) for p in picked]

    sold: dict[tuple[int, int], Decimal] = {}
    for warehouse_id, lines in sales_orders():
        for p, quantity in lines:
            sold[(warehouse_id, p)] = sold.get((warehouse_id, p), Decimal(0)) + quantity

    # Documents, lines, movements and their costing in time order (the movements' ids are the
    # ledger's order); running balances in Python, the costing by the app's rules. The rows are
    # sent every FLUSH_MOVES movements (memory bounded by that, not by `moves`).
    balance = {}
    book = Book(CostingMethod.FIFO, {}, {})
    layers: list[Layer] = []
    doc_rows, line_rows, move_rows, take_rows, cost_rows = [], [], [], [], []
    numbers = {DocumentType.RECEIPT: 0, DocumentType.SALES_ORDER: 0}
    doc_id = line_id = move_id = take_id = layers_sent = 0

    def flush():
        """COPY the rows built since the last flush, parents first."""
        nonlocal layers_sent
        for model, rows in ((StockDocument, doc_rows), (DocumentLine, line_rows), (StockMove, move_rows)):
            _copy(model, rows)
            rows.clear()
        _copy(
            CostLayer,
            (
                {
                    "id": layer.id,
                    "warehouse_id": layer.key[0],
                    "product_id": layer.key[1],
                    "move_id": layer.ref,
                    "document_id": layer.document_id,
                    "quantity": layer.quantity,
                    "value": layer.value,
                }
                for layer in layers[layers_sent:]
            ),
        )
        layers_sent = len(layers)
        for model, rows in ((LayerTake, take_rows), (MoveCost, cost_rows)):
            _copy(model, rows)
            rows.clear()

    def add_document(doc_type, warehouse_id, when, lines):
        nonlocal doc_id, line_id, move_id, take_id
        if len(move_rows) >= FLUSH_MOVES:
            flush()
        doc_id += 1
        numbers[doc_type] += 1
        doc_rows.append(
            {
                "id": doc_id,
                "doc_type": doc_type,
                "number": f"{NUMBER_PREFIX[doc_type]}-{numbers[doc_type]:06d}",
                "status": DocumentStatus.PROCESSED,
                "date": timezone.localtime(when).date(),
                "responsible_id": admin.pk,
                "currency": settings.DEFAULT_CURRENCY,
                "comment": "",
                "warehouse_id": warehouse_id,
                "destination_id": None,
                "supplier_id": partner.pk if doc_type == DocumentType.RECEIPT else None,
                "client_id": partner.pk if doc_type == DocumentType.SALES_ORDER else None,
                "reason": "",
                "created_by_id": admin.pk,
                "created_at": when,
                "updated_at": when,
                "processed_at": when,
                "processed_by_id": admin.pk,
            }
        )
        for product_id, delta, price in lines:
            line_id += 1
            move_id += 1
            key = (warehouse_id, product_id)
            balance[key] = balance.get(key, Decimal(0)) + delta
            line_rows.append(
                {"id": line_id, "document_id": doc_id, "product_id": product_id, "quantity": abs(delta), "price": price}
            )
            move_rows.append(
                {
                    "id": move_id,
                    "document_id": doc_id,
                    "warehouse_id": warehouse_id,
                    "product_id": product_id,
                    "quantity": delta,
                    "balance_after": balance[key],
                    "is_reversal": False,
                    "created_at": when,
                }
            )
            if delta > 0:
                plan = book.bring_in(key, delta, to_cent(delta * price), document_id=doc_id, ref=move_id)
            else:
                plan = book.take_out(key, -delta, document_id=doc_id, ref=move_id)
            if plan.new_layer is not None:
                plan.new_layer.id = plan.new_layer.order = len(layers) + 1
                layers.append(plan.new_layer)
            for change in plan.takes:
                take_id += 1
                take_rows.append(
                    {
                        "id": take_id,
                        "move_id": move_id,
                        "layer_id": change.layer.id,
                        "quantity": change.quantity,
                        "value": change.value,
                    }
                )
            cost_rows.append({"move_id": move_id, "value": plan.value})

    def receive(when, factor, quantity):
        """One round of receipts: every (warehouse, product), `quantity(key)` units at `factor` × price."""
        for w in warehouses:
            for start in range(1, products + 1, RECEIPT_LINES):
                ids = range(start, min(start + RECEIPT_LINES, products + 1))
                lines = [(p, quantity((w.pk, p)), to_cent(prices[p] * factor)) for p in ids]
                add_document(DocumentType.RECEIPT, w.pk, when, lines)

    receive(year_ago, opening, lambda key: sold.get(key, Decimal(0)) + HALF)
    history = timedelta(days=335)
    for k, (warehouse_id, lines) in enumerate(sales_orders()):
        when = year_ago + timedelta(seconds=60) + history * k / max(sales_count, 1)
        add_document(DocumentType.SALES_ORDER, warehouse_id, when, [(p, -q, prices[p]) for p, q in lines])
    for i, factor in enumerate(recent_prices):
        receive(now - timedelta(days=7 * (len(recent_prices) - i)), factor, lambda key: Decimal(1))
    receive(now - timedelta(days=1), stock, lambda key: OPENING)

    flush()
    open_layers = {key: [layer for layer in open_ if layer.remaining != 0] for key, open_ in book.layers.items()}
    balance_rows = [
        {
            "id": i,
            "warehouse_id": w,
            "product_id": p,
            "on_hand": qty,
            "reserved": Decimal(0),
            "value": sum((layer.remaining_value for layer in open_layers.get((w, p), [])), Decimal(0)),
            "layer_ids": [layer.id for layer in open_layers.get((w, p), [])],
            "layer_remaining": [layer.remaining for layer in open_layers.get((w, p), [])],
            "layer_values": [layer.remaining_value for layer in open_layers.get((w, p), [])],
        }
        for i, ((w, p), qty) in enumerate(sorted(balance.items()), start=1)
    ]
    _copy(StockBalance, balance_rows)
    for doc_type, last in numbers.items():
        DocumentSequence.objects.update_or_create(doc_type=doc_type, defaults={"last_number": last})

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Product, Barcode, StockDocument, DocumentLine, StockMove, StockBalance, CostLayer, LayerTake]
        ):
            cursor.execute(statement)
    rebuild_stock_days()  # the daily stock changes of the movements written above
    rebuild_sales_days()  # and the daily sales
    return {
        "user_id": admin.pk,
        "company_id": partner.pk,
        "warehouse_ids": [w.pk for w in warehouses],
        "products": len(product_rows),
        "balances": len(balance_rows),
        "documents": doc_id,
        "receipts": receipts_per_round * rounds,
        "lines": line_id,
        "moves": move_id,
        "layers": len(layers),
        "open_layers": sum(len(open_) for open_ in book.layers.values()),
    }


def kept() -> dict:
    """What `preload` returned, read back from a database an earlier run kept (`--reuse`)."""
    admin = get_user_model().objects.get(username="bench")
    warehouses = Warehouse.objects.filter(code__startswith="WH").order_by("pk")
    return {
        "user_id": admin.pk,
        "company_id": Company.objects.get(name="PT Bench Mitra").pk,
        "warehouse_ids": [w.pk for w in warehouses],
        "products": Product.objects.count(),
        "balances": StockBalance.objects.count(),
        "documents": StockDocument.objects.count(),
        "receipts": StockDocument.objects.filter(doc_type=DocumentType.RECEIPT).count(),
        "lines": DocumentLine.objects.count(),
        "moves": StockMove.objects.count(),
        "layers": CostLayer.objects.count(),
        "open_layers": StockBalance.objects.aggregate(n=models.Sum(models.Func("layer_ids", function="cardinality")))[
            "n"
        ]
        or 0,
    }


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def check_ledger() -> list[str]:
    """Balances that differ from the sum of their movements (should be none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT b.warehouse_id, b.product_id, b.on_hand, COALESCE(m.total, 0)
            FROM {StockBalance._meta.db_table} b
            LEFT JOIN (SELECT warehouse_id, product_id, SUM(quantity) AS total
                       FROM {StockMove._meta.db_table} GROUP BY warehouse_id, product_id) m
              USING (warehouse_id, product_id)
            WHERE b.on_hand <> COALESCE(m.total, 0)
            LIMIT 5
            """
        )
        return [f"warehouse {w} product {p}: on_hand {b} ≠ moves {m}" for w, p, b, m in cursor.fetchall()]


def check_values(*, quantities: bool = False) -> list[str]:
    """Balances whose value is not the sum of their layers' remaining values, or not the sum of
    their movements' values and value adjustments (should be none); with `quantities`, also
    those whose quantity is not their layers' remainder (true only when every movement has been
    costed: the bench's runs without costing and in bare SQL leave movements that are not)."""
    t_balance, t_cost, t_move, t_adjustment = (
        m._meta.db_table for m in (StockBalance, MoveCost, StockMove, ValueAdjustment)
    )
    quantity_check = "OR b.on_hand <> COALESCE(l.q, 0)" if quantities else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT b.warehouse_id, b.product_id, b.value, COALESCE(l.v, 0), COALESCE(m.v, 0) + COALESCE(a.v, 0),
                   b.on_hand, COALESCE(l.q, 0)
            FROM {t_balance} b
            LEFT JOIN (SELECT o.id, SUM(x.remaining) AS q, SUM(x.value) AS v
                       FROM {t_balance} o, unnest(o.layer_remaining, o.layer_values) AS x(remaining, value)
                       GROUP BY o.id) l ON l.id = b.id
            LEFT JOIN (SELECT s.warehouse_id, s.product_id, SUM(c.value) AS v FROM {t_cost} c
                       JOIN {t_move} s ON s.id = c.move_id GROUP BY s.warehouse_id, s.product_id) m
              USING (warehouse_id, product_id)
            LEFT JOIN (SELECT warehouse_id, product_id, SUM(value) AS v
                       FROM {t_adjustment} GROUP BY warehouse_id, product_id) a USING (warehouse_id, product_id)
            WHERE b.value <> COALESCE(l.v, 0) OR b.value <> COALESCE(m.v, 0) + COALESCE(a.v, 0) {quantity_check}
            LIMIT 5
            """
        )
        return [
            f"warehouse {w} product {p}: value {v}, layers {lv}, movements {mv}"
            + (f"; on hand {q}, layers' remainder {lq}" if quantities else "")
            for w, p, v, lv, mv, q, lq in cursor.fetchall()
        ]


def costed_since(move_id: int) -> tuple[int, int]:
    """The movements after `move_id` and the layer takes they made."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {StockMove._meta.db_table} WHERE id > %s), "
            f"(SELECT count(*) FROM {LayerTake._meta.db_table} WHERE move_id > %s)",
            [move_id, move_id],
        )
        return cursor.fetchone()


def last_move_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {StockMove._meta.db_table}")
        return cursor.fetchone()[0]
