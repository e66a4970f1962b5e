"""The opening balances import: one stock adjustment draft per warehouse, in the user's warehouses only."""

from decimal import Decimal

import pytest

from accounts.catalogue import STAFF
from imports.models import ImportStatus
from imports.services import jobs
from imports.services.balances import BalanceImporter, balance_columns
from imports.services.jobs import queue_import, run_import, upload_import
from inventory.models import DocumentStatus, DocumentType, StockBalance, StockDocument
from tests.factories import BarcodeFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.imports.helpers import csv_bytes, xlsx_bytes
from tests.inventory.views.test_warehouse_scope import limited_role

pytestmark = pytest.mark.django_db


def balances(user, content, *, match_by="sku"):
    job = upload_import(
        by=user, kind="balances", mode="insert", match_by=match_by, filename="saldo.csv", content=content
    )
    queue_import(job, by=user)
    return run_import(job.pk)


@pytest.fixture
def world(db):
    return {
        "jkt": WarehouseFactory(code="JKT", name="Gudang Jakarta"),
        "sby": WarehouseFactory(code="SBY", name="Gudang Surabaya"),
        "kopi": ProductFactory(sku="KOPI-1"),
        "teh": ProductFactory(sku="TEH-1"),
    }


def test_one_draft_per_warehouse(user, world):
    content = csv_bytes(
        [
            ["Kode barang", "Gudang", "Jumlah", "Harga pokok"],
            ["KOPI-1", "jkt", "10", "1.500,50"],
            ["TEH-1", "JKT", "4", ""],
            ["KOPI-1", "SBY", "2,5", "1000"],
        ],
        delimiter=";",
    )
    job = balances(user, content)
    assert (job.status, job.created, job.failed) == (ImportStatus.DONE, 3, 0)
    drafts = {d.warehouse.code: d for d in job.documents.select_related("warehouse")}
    assert set(drafts) == {"JKT", "SBY"}
    assert all(d.doc_type == DocumentType.ADJUSTMENT and d.status == DocumentStatus.DRAFT for d in drafts.values())
    lines = {(line.product.sku, line.quantity, line.price) for line in drafts["JKT"].lines.select_related("product")}
    assert lines == {("KOPI-1", Decimal("10"), Decimal("1500.50")), ("TEH-1", Decimal("4"), Decimal("0"))}
    assert drafts["SBY"].lines.get().quantity == Decimal("2.5")
    assert not StockBalance.objects.filter(on_hand__gt=0).exists()  # processed when the user chooses


def test_found_by_barcode_and_per_row_errors(user, world):
    BarcodeFactory(product=world["kopi"], code="899000")
    content = xlsx_bytes(
        [
            ["Barcode", "Warehouse", "Quantity"],
            ["899000", "JKT", 3],
            ["899000", "JKT", 1],
            ["nope", "JKT", 1],
            ["899000", "SBY", 0],
            ["899000", "SBY", "lots"],
        ]
    )
    job = balances(user, content, match_by="barcode")
    assert (job.created, job.failed) == (1, 4)
    errors = {f["line"]: f["errors"] for f in job.failures}
    assert "row 2" in errors[3]["barcode"][0]
    assert errors[4] == {"barcode": ["No such product."]}
    assert "greater than zero" in errors[5]["quantity"][0] and "not a number" in errors[6]["quantity"][0]


def test_a_clerk_limited_to_one_warehouse_cannot_import_into_another(world):
    clerk = UserFactory(username="jkt-clerk")
    clerk.groups.add(limited_role("Clerk, JKT", [world["jkt"]]))
    content = csv_bytes(
        [["SKU", "Warehouse", "Quantity"], ["KOPI-1", "JKT", "1"], ["KOPI-1", "SBY", "1"], ["KOPI-1", "XYZ", "1"]]
    )
    job = balances(clerk, content)
    assert (job.created, job.failed) == (1, 2)
    hidden, unknown = (f["errors"]["warehouse"][0] for f in job.failures)
    assert hidden == unknown  # the same words whether it exists or not
    assert "SBY" not in hidden and "Surabaya" not in hidden
    assert StockDocument.objects.get().warehouse == world["jkt"]


def test_the_unit_cost_needs_the_purchase_price_right(world):
    staff = UserFactory(username="staff-b", roles=[STAFF])
    assert "unit_cost" not in {column.key for column in balance_columns(staff)}
    job = balances(staff, csv_bytes([["SKU", "Warehouse", "Quantity", "Unit cost"], ["KOPI-1", "JKT", "1", "999"]]))
    assert job.mapping == ["sku", "warehouse", "quantity", ""]
    assert StockDocument.objects.get().lines.get().price == 0


def test_a_failure_at_the_end_applies_nothing(user, world, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 1)
    job = upload_import(
        by=user,
        kind="balances",
        mode="insert",
        match_by="sku",
        filename="s.csv",
        content=csv_bytes([["SKU", "Warehouse", "Quantity"], ["KOPI-1", "JKT", "1"], ["TEH-1", "SBY", "1"]]),
    )
    queue_import(job, by=user)
    original = BalanceImporter.finish

    def failing(self):
        original(self)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(BalanceImporter, "finish", failing)
    with pytest.raises(RuntimeError):
        run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not StockDocument.objects.exists()


def test_staff_may_import_balances_but_not_products(world):
    staff = UserFactory(username="staff-c", roles=[STAFF])
    from imports.access import import_kinds

    assert [kind for kind, _label in import_kinds(staff)] == ["balances", "companies", "contacts"]
