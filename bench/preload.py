"""Fast preload of a consistent ledger with COPY (not what is measured).

- 3 warehouses, `products` products (each with a barcode and one of 20 categories);
- one receipt line per (warehouse, product) bringing in OPENING units (1,000,000), in receipts
  of up to 1,000 lines;
- the rest of `moves` as processed 10-line sales orders of 1–5 units, spread over the past year;
- balances equal to the sum of their movements, every movement's `balance_after` the running
  sum, document sequences continued after the preloaded numbers.

Rows are built in Python and sent with COPY; fields the preload does not set get their model
default, so a field another engineer adds with a default does not break the bench.
"""

import random
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

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
    DocumentLine,
    DocumentSequence,
    DocumentStatus,
    DocumentType,
    Product,
    StockBalance,
    StockDocument,
    StockMove,
    Warehouse,
)
from inventory.models.documents import NUMBER_PREFIX

OPENING = Decimal("1000000")
RECEIPT_LINES = 1000
SALES_LINES = 10
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
    fields = [f for f in model._meta.concrete_fields]
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


def preload(*, products: int, moves: int, seed: int = 1) -> dict:
    """Fill the (freshly migrated, empty) database; return what the workers need."""
    rng = random.Random(seed)
    now = timezone.now()
    year_ago = now - timedelta(days=365)

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

    # Documents, lines and movements in time order; running balances in Python.
    balance = {}
    doc_rows, line_rows, move_rows = [], [], []
    numbers = {DocumentType.RECEIPT: 0, DocumentType.SALES_ORDER: 0}
    doc_id = line_id = move_id = 0

    def add_document(doc_type, warehouse_id, when, lines):
        nonlocal doc_id, line_id, move_id
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
                "currency": "IDR",
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

    prices = {row["id"]: row["purchase_price"] for row in product_rows}
    for w in warehouses:
        for start in range(1, products + 1, RECEIPT_LINES):
            ids = range(start, min(start + RECEIPT_LINES, products + 1))
            add_document(DocumentType.RECEIPT, w.pk, year_ago, [(p, OPENING, prices[p]) for p in ids])
    sales = max(0, moves - len(move_rows)) // SALES_LINES
    for k in range(sales):
        when = year_ago + timedelta(seconds=60 + k * (364 * 86400 // max(sales, 1)))
        warehouse_id = rng.choice(warehouses).pk
        lines = [
            (p, -Decimal(rng.randint(1, 5)), prices[p]) for p in sorted(rng.sample(range(1, products + 1), SALES_LINES))
        ]
        add_document(DocumentType.SALES_ORDER, warehouse_id, when, lines)

    _copy(StockDocument, doc_rows)
    _copy(DocumentLine, line_rows)
    _copy(StockMove, move_rows)
    balance_rows = [
        {"id": i, "warehouse_id": w, "product_id": p, "on_hand": qty, "reserved": Decimal(0)}
        for i, ((w, p), qty) in enumerate(sorted(balance.items()), start=1)
    ]
    _copy(StockBalance, balance_rows)
    for doc_type, last in numbers.items():
        DocumentSequence.objects.update_or_create(doc_type=doc_type, defaults={"last_number": last})

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Product, Barcode, StockDocument, DocumentLine, StockMove, StockBalance]
        ):
            cursor.execute(statement)
    return {
        "user_id": admin.pk,
        "company_id": partner.pk,
        "warehouse_ids": [w.pk for w in warehouses],
        "products": len(product_rows),
        "balances": len(balance_rows),
        "documents": len(doc_rows),
        "lines": len(line_rows),
        "moves": len(move_rows),
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
