"""The products import timed: a CSV of new products (every column), previewed, run as the
background job runs it, then the same file again (every row unchanged)."""

import csv
import io
import time
import traceback

import psutil

GOAL_ROWS, GOAL_SECONDS = 100_000, 60.0
CATEGORIES = 50


def products_file(rows: int, warehouse_code: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    columns = ["SKU", "Name", "Barcodes", "Unit", "Category", "Purchase price", "Selling price", "VAT rate, %"]
    writer.writerow([*columns, "Active", f"Minimum stock {warehouse_code}"])
    for i in range(rows):
        group, price = f"Import group {i % CATEGORIES}", f"{1000 + i % 997}.50"
        writer.writerow(
            [f"IMP-{i:07d}", f"Product {i}", f"77{i:011d}", "pcs", group, price, "1500", "11", "yes", str(i % 7)]
        )
    return text.getvalue().encode()


def measure(user_id: int, rows: int) -> list[str]:
    """Time the import of `rows` new products and of the same file again; the failures."""
    from django.contrib.auth.models import User

    from imports.models import ImportStatus
    from imports.services.jobs import queue_import, run_import, upload_import
    from inventory.models import Barcode, Product, Warehouse

    user = User.objects.get(pk=user_id)
    warehouse = Warehouse.objects.order_by("pk").first()
    content = products_file(rows, warehouse.code)
    process = psutil.Process()
    failures = []
    before = Product.objects.count()
    for label, expect_new in (("new products", rows), ("the same file again", 0)):
        try:
            rss = process.memory_info().rss
            t = time.perf_counter()
            job = upload_import(
                by=user, kind="products", mode="upsert", match_by="sku", filename="bench.csv", content=content
            )
            preview = time.perf_counter() - t
            queue_import(job, by=user)
            t = time.perf_counter()
            job = run_import(job.pk)
            seconds = time.perf_counter() - t
            grown = (process.memory_info().rss - rss) / 2**20
        except Exception:
            print(f"import of {label} failed:\n" + traceback.format_exc())
            return [f"imports: {label} raised"]
        print(
            f"import of {label}: {rows:,} rows, preview {preview:.1f} s, run {seconds:.1f} s "
            f"({rows / seconds if seconds else 0:,.0f} rows/s), {job.created:,} new, {job.updated:,} updated, "
            f"{job.unchanged:,} unchanged, {job.failed:,} failed; memory +{grown:.0f} MiB"
        )
        if job.status != ImportStatus.DONE or job.created != expect_new or job.failed:
            failures.append(f"imports: {label}: {job.status}, {job.created} new, {job.failed} failed")
        if expect_new:
            per_row = seconds / rows if rows else 0
            estimate = per_row * GOAL_ROWS
            how = "measured" if rows >= GOAL_ROWS else f"extrapolated from {rows:,} at the same rate"
            print(
                f"goal: {GOAL_ROWS:,} product rows under {GOAL_SECONDS:.0f} s: "
                f"{'MET' if estimate < GOAL_SECONDS else 'NOT MET'} ({estimate:.0f} s, {how})"
            )
    if Product.objects.count() != before + rows or Barcode.objects.filter(code__startswith="77").count() < rows:
        failures.append("imports: the products or barcodes imported do not add up")
    return failures
