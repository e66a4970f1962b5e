"""The products import: matching, preview, modes, rights, the errors file, all or nothing."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from history.models import ProductEvent
from imports.columns import match_columns
from imports.models import ImportJob, ImportStatus
from imports.services import jobs
from imports.services.exports import export_file, template_file
from imports.services.jobs import errors_file, run_import, set_matching
from imports.services.products import ProductImporter, product_columns
from imports.tasks import run_import_job
from inventory.models import Barcode, Category, MinimumStock, Product
from layouts.models import FieldType
from layouts.services import CustomFieldInput, add_custom_field
from notifications.models import LowStockAlert, Notification
from tests.factories import BarcodeFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.imports.helpers import csv_bytes, imported, run, upload, xlsx_bytes
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db

HEADERS = ["SKU", "Name", "Barcodes", "Unit", "Category", "Purchase price", "Selling price", "VAT rate, %", "Active"]


def test_english_and_indonesian_headings_are_matched(user):
    columns = product_columns(user)
    headings = ["Kode Barang", "Nama Barang", "Harga Jual", "Tarif PPN, %", "Satuan", "Kategori", "whatever", "SKU"]
    assert match_columns(headings, columns) == ["sku", "name", "selling_price", "vat_rate", "unit", "category", "", ""]
    assert match_columns(["sku ", "NAME", "selling-price"], columns) == ["sku", "name", "selling_price"]


def test_a_new_file_imports_every_field(user):
    warehouse = WarehouseFactory(code="JKT")
    content = csv_bytes(
        [
            [*HEADERS, "Minimum stock JKT"],
            ["KOPI-1", "Kopi", "111, 222", "kg", "Minuman", "1.250,50", "2000", "11", "ya", "5"],
            ["TEH-1", "Teh", "", "", "Minuman", "", "", "", "", ""],
        ],
        delimiter=";",
        bom=True,
    )
    job = imported(user, content)
    assert (job.created, job.updated, job.unchanged, job.failed) == (2, 0, 0, 0)
    kopi = Product.objects.get(sku="KOPI-1")
    assert (kopi.name, kopi.unit, kopi.category.name, kopi.purchase_price, kopi.selling_price, kopi.vat_rate) == (
        "Kopi",
        "kg",
        "Minuman",
        Decimal("1250.50"),
        Decimal("2000"),
        Decimal("11"),
    )
    assert sorted(kopi.barcodes.values_list("code", flat=True)) == ["111", "222"]
    assert MinimumStock.objects.get(product=kopi, warehouse=warehouse).quantity == 5
    assert Category.objects.filter(name="Minuman").count() == 1
    assert Product.objects.get(sku="TEH-1").category == kopi.category


def test_the_preview_counts_and_writes_nothing(user):
    ProductFactory(sku="OLD-1", name="Old one")
    ProductFactory(sku="SAME-1", name="Same")
    content = csv_bytes(
        [
            ["SKU", "Name"],
            ["NEW-1", "New"],
            ["old-1", "Renamed"],
            ["SAME-1", "Same"],
            ["", "No SKU"],
            ["NEW-1", "Twice"],
        ]
    )
    job = upload(user, content)
    assert (job.rows_total, job.created, job.updated, job.unchanged, job.failed) == (5, 1, 1, 1, 2)
    assert Product.objects.count() == 2 and Product.objects.get(sku="OLD-1").name == "Old one"
    failed = {row["line"]: row["errors"] for row in job.failures}
    assert failed[5] == {"sku": ["Enter the SKU."]}
    assert "row 2" in failed[6]["sku"][0]
    assert [row["outcome"] for row in job.sample] == ["new", "updated", "unchanged", "failed", "failed"]


def test_per_field_errors(user):
    content = csv_bytes(
        [
            ["SKU", "Name", "Selling price", "VAT rate, %", "Unit", "Active"],
            ["A", "Ok", "12abc", "150", "parsec", "maybe"],
            ["B", "Ok", "99999999999999999999999", "-1", "pcs", "yes"],
        ]
    )
    job = upload(user, content)
    first, second = job.failures
    assert set(first["errors"]) == {"selling_price", "vat_rate", "unit", "is_active"}
    assert "not a number" in first["errors"]["selling_price"][0]
    assert "too large" in second["errors"]["selling_price"][0]
    assert "negative" in second["errors"]["vat_rate"][0]
    assert job.created == 0


@pytest.mark.parametrize(
    "mode, created, updated, failed", [("insert", 1, 0, 1), ("update", 0, 1, 1), ("upsert", 1, 1, 0)]
)
def test_each_mode(user, mode, created, updated, failed):
    ProductFactory(sku="OLD-1", name="Old")
    job = imported(user, csv_bytes([["SKU", "Name"], ["OLD-1", "Changed"], ["NEW-1", "New"]]), mode=mode)
    assert (job.created, job.updated, job.failed) == (created, updated, failed)
    assert Product.objects.filter(sku="NEW-1").exists() == bool(created)
    assert Product.objects.get(sku="OLD-1").name == ("Changed" if updated else "Old")


def test_matching_by_barcode_changes_the_sku(user):
    product = ProductFactory(sku="OLD-SKU")
    BarcodeFactory(product=product, code="899123")
    imported(user, csv_bytes([["Barcode", "SKU", "Name"], ["899123", "NEW-SKU", "Found"]]), match_by="barcode")
    product.refresh_from_db()
    assert (product.sku, product.name) == ("NEW-SKU", "Found")


def test_a_barcode_of_another_product_fails_the_row(user):
    BarcodeFactory(product=ProductFactory(sku="OTHER"), code="555")
    job = imported(user, csv_bytes([["SKU", "Name", "Barcodes"], ["MINE", "Mine", "555"]]))
    assert job.failed == 1 and "555" in job.failures[0]["errors"]["barcodes"][0]
    assert not Product.objects.filter(sku="MINE").exists()


def test_the_matching_can_be_changed(user):
    job = upload(user, csv_bytes([["Kode", "Deskripsi"], ["A-1", "Kopi"]]))
    assert job.mapping == ["sku", ""] and job.failed == 1  # a new product needs its name
    job = set_matching(job, by=user, mapping=["sku", "name"], mode="upsert", match_by="sku")
    assert (job.created, job.failed) == (1, 0)
    with pytest.raises(ValidationError):
        set_matching(job, by=user, mapping=["sku", "sku"], mode="upsert", match_by="sku")
    with pytest.raises(ValidationError):
        set_matching(job, by=user, mapping=["sku", "no_such_field"], mode="upsert", match_by="sku")


def test_a_file_without_the_sku_column_cannot_run(user):
    job = upload(user, csv_bytes([["Name"], ["Kopi"]]))
    with pytest.raises(ValidationError, match="required"):
        jobs.queue_import(job, by=user)


def test_the_errors_file_round_trips(user):
    content = xlsx_bytes([["SKU", "Name", "Selling price"], ["A", "Good", "10"], ["B", "Bad", "ten"]])
    job = imported(user, content, filename="mine.xlsx")
    data, filename = errors_file(job)
    assert filename == "mine-errors.xlsx"
    rows = list(load_workbook(io.BytesIO(data)).active.values)
    assert rows[0] == ("SKU", "Name", "Selling price", "Error")
    assert rows[1][:3] == ("B", "Bad", "ten") and "Selling price:" in rows[1][3]
    fixed = xlsx_bytes([rows[0], [*rows[1][:2], "12", rows[1][3]]])
    again = imported(user, fixed)
    assert (again.created, again.failed) == (1, 0)
    assert Product.objects.get(sku="B").selling_price == 12


def test_a_failure_in_the_middle_applies_nothing(user, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 2)
    content = csv_bytes([["SKU", "Name"]] + [[f"S-{i}", f"P {i}"] for i in range(7)])
    job = upload(user, content)
    calls = []
    original = ProductImporter.apply

    def failing(self, results):
        calls.append(len(results))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(self, results)

    monkeypatch.setattr(ProductImporter, "apply", failing)
    jobs.queue_import(job, by=user)
    with pytest.raises(RuntimeError):
        run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "disk full" in job.error
    assert calls == [2, 2, 2]
    assert not Product.objects.exists()


def test_a_run_counts_rows_done(user, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 3)
    job = imported(user, csv_bytes([["SKU", "Name"]] + [[f"S-{i}", "P"] for i in range(8)]))
    assert (job.rows_done, job.rows_total, job.percent, job.created) == (8, 8, 100, 8)


def test_rights_of_each_row(db):
    clerk = UserFactory(username="clerk", roles=[CLERK])  # may create products, not edit them
    ProductFactory(sku="OLD-1")
    job = imported(clerk, csv_bytes([["SKU", "Name"], ["OLD-1", "Changed"], ["NEW-1", "New"]]))
    assert (job.created, job.updated, job.failed) == (1, 0, 1)
    assert "edit products" in job.failures[0]["errors"][""][0]
    staff = UserFactory(username="staff", roles=[STAFF])
    with pytest.raises(PermissionDenied):
        upload(staff, csv_bytes([["SKU", "Name"], ["X", "Y"]]))


def test_purchase_prices_need_their_right(db):
    clerk = UserFactory(username="clerk", roles=[CLERK])
    keys = {column.key for column in product_columns(clerk)}
    assert "purchase_price" in keys and "selling_price" not in keys  # the clerk may not change selling prices
    limited = UserFactory(username="no-price", roles=[STAFF])
    assert "purchase_price" not in {column.key for column in product_columns(limited)}
    job = imported(clerk, csv_bytes([["SKU", "Name", "Selling price"], ["NEW-1", "New", "99"]]))
    assert job.mapping == ["sku", "name", ""]
    assert Product.objects.get(sku="NEW-1").selling_price == 0


def test_minimum_levels_only_for_warehouses_the_user_sees(db):
    from tests.inventory.views.test_warehouse_scope import limited_role

    mine, other = WarehouseFactory(code="MINE"), WarehouseFactory(code="OTHER")
    clerk = UserFactory(username="scoped")
    clerk.groups.add(limited_role("Clerk, mine", [mine]))
    keys = [column.key for column in product_columns(clerk)]
    assert f"min:{mine.pk}" in keys and f"min:{other.pk}" not in keys
    job = imported(clerk, csv_bytes([["SKU", "Name", "Minimum stock OTHER"], ["N", "New", "4"]]))
    assert job.mapping == ["sku", "name", ""] and not MinimumStock.objects.exists()


def test_custom_fields(user):
    add_custom_field(
        by=user,
        key="product",
        data=CustomFieldInput(key="origin", label_en="Origin", label_id="Asal", field_type=FieldType.TEXT),
    )
    add_custom_field(
        by=user, key="product", data=CustomFieldInput(key="weight", label_en="Weight", field_type=FieldType.DECIMAL)
    )
    job = imported(
        user, csv_bytes([["SKU", "Name", "Asal", "Weight"], ["A", "A", "Aceh", "1.5"], ["B", "B", "", "heavy"]])
    )
    assert (job.created, job.failed) == (1, 1) and "custom:weight" in job.failures[0]["errors"]
    assert Product.objects.get(sku="A").custom == {"origin": "Aceh", "weight": "1.5"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(user, fmt):
    warehouse = WarehouseFactory(code="JKT")
    imported(
        user,
        csv_bytes(
            [
                [*HEADERS, "Minimum stock JKT"],
                ["KOPI-1", '=Kopi, "special"', "111, 222", "kg", "Minuman", "1250.5", "2000", "11", "yes", "5"],
                ["TEH-1", "Teh", "", "", "", "", "", "", "no", ""],
            ]
        ),
    )
    assert MinimumStock.objects.filter(warehouse=warehouse).count() == 1
    exported = export_file(user, "products", fmt)
    job = imported(user, exported, filename=f"products.{fmt}")
    assert (job.created, job.updated, job.unchanged, job.failed) == (0, 0, 2, 0)
    assert Product.objects.get(sku="KOPI-1").name == '=Kopi, "special"'


def test_the_export_leaves_out_purchase_prices_without_the_right(db):
    ProductFactory(sku="A", purchase_price=Decimal("77.00"))
    staff = UserFactory(username="staff-x", roles=[STAFF])
    rows = list(load_workbook(io.BytesIO(export_file(staff, "products", "xlsx"))).active.values)
    assert "Purchase price" not in rows[0] and "77" not in [str(v) for v in rows[1]]
    admin = UserFactory(username="admin-x", roles=[ADMINISTRATOR])
    assert "Purchase price" in next(
        iter(load_workbook(io.BytesIO(export_file(admin, "products", "xlsx"))).active.values)
    )


def test_the_template_imports_its_example(user):
    job = imported(user, template_file(user, "products", "xlsx"), filename="t.xlsx")
    assert (job.created, job.failed) == (1, 0)


def test_queries_do_not_grow_with_the_rows(user):
    def queries_for(rows: int) -> int:
        content = csv_bytes(
            [["SKU", "Name", "Barcodes", "Category"]]
            + [[f"Q{rows}-{i}", "P", f"B{rows}-{i}", f"C{rows}-{i % 3}"] for i in range(rows)]
        )
        job = upload(user, content)
        jobs.queue_import(job, by=user)
        with CaptureQueriesContext(connection) as queries:
            run_import(job.pk)
        assert ImportJob.objects.get(pk=job.pk).created == rows
        return len(queries)

    assert queries_for(5) == queries_for(60)
    assert Barcode.objects.count() == 65


def test_someone_elses_import_cannot_be_run(user):
    job = upload(user, csv_bytes([["SKU", "Name"], ["A", "B"]]))
    other = UserFactory(username="other", roles=[ADMINISTRATOR])
    with pytest.raises(ValidationError):
        run(other, job)


def test_old_imports_are_forgotten(user):
    from datetime import timedelta

    import time_machine

    from imports.services.jobs import forget_old_imports

    with time_machine.travel("2026-01-01 10:00 +0000"):
        imported(user, csv_bytes([["SKU", "Name"], ["OLD-1", "Old"]]))
        upload(user, csv_bytes([["SKU", "Name"], ["OLD-2", "Never run"]]))
    recent = upload(user, csv_bytes([["SKU", "Name"], ["NEW-1", "New"]]))
    assert forget_old_imports(older_than=timedelta(days=7)) == 2
    assert list(ImportJob.objects.all()) == [recent]
    assert Product.objects.filter(sku="OLD-1").exists()


def test_found_by_barcode_a_row_cannot_take_another_products_sku(user):
    mine, other = ProductFactory(sku="MINE"), ProductFactory(sku="OTHER")
    BarcodeFactory(product=mine, code="111")
    content = csv_bytes([["Barcodes", "SKU", "Name"], ["111", "other", "Mine"], ["222", "OTHER", "New one"]])
    job = imported(user, content, match_by="barcode")
    assert (job.created, job.updated, job.failed) == (0, 0, 2)
    assert {f["errors"]["sku"][0] for f in job.failures} == {"This SKU is already used by another product."}
    mine.refresh_from_db(), other.refresh_from_db()
    assert (mine.sku, other.sku) == ("MINE", "OTHER")


def test_codes_and_categories_count_once_ignoring_case(user):
    Category.objects.create(name="Minuman")
    rows = [["SKU", "Name", "Barcodes", "Category"], ["A", "Kopi", "abc, ABC", "minuman"]]
    job = imported(user, csv_bytes([*rows, ["B", "Keripik", "", "Snacks"], ["C", "Kacang", "", "SNACKS"]]))
    assert (job.created, job.failed) == (3, 0)
    assert Product.objects.get(sku="B").category == Product.objects.get(sku="C").category
    product = Product.objects.get(sku="A")
    assert list(product.barcodes.values_list("code", flat=True)) == ["abc"]
    assert product.category.name == "Minuman" and Category.objects.count() == 2


def test_imported_minimums_notify_once_and_recovery_re_arms(user):
    keeper = UserFactory(username="keeper", roles=[CLERK])
    warehouse = WarehouseFactory(code="JKT", responsible=keeper)
    product = ProductFactory(sku="KOPI-1", name="Kopi")
    stock_in(by=user, warehouse=warehouse, product=product, quantity=4)
    raised = csv_bytes([["SKU", "Name", "Minimum stock JKT"], ["KOPI-1", "Kopi", "10"]])
    imported(user, raised)
    imported(user, raised)  # unchanged: not told again
    assert list(Notification.objects.values_list("user__username", "available", "minimum")) == [
        ("keeper", Decimal(4), Decimal(10))
    ]
    imported(user, csv_bytes([["SKU", "Name", "Minimum stock JKT"], ["KOPI-1", "Kopi", "0"]]))  # removed
    assert not LowStockAlert.objects.exists()


def test_the_worker_attributes_the_changes_to_whoever_uploaded(client, user):
    job = upload(user, csv_bytes([["SKU", "Name"], ["KOPI-1", "Kopi"]]))
    jobs.queue_import(job, by=user)
    run_import_job.call(job.pk)
    event = ProductEvent.objects.get(pgh_obj__sku="KOPI-1", pgh_label="insert")
    assert event.pgh_context["user"] == user.pk and event.pgh_context["source"] == "import"
    assert event.pgh_context["import_job"] == job.pk
    client.force_login(user)
    page = client.get(reverse("history:product", args=[event.pgh_obj_id])).content.decode()
    assert '<span class="badge text-bg-light border">import</span>' in page
