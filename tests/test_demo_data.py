"""`manage.py load_demo`: the data `make run` shows a first-time user."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, OuterRef, Subquery, Sum

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from accounts.permissions import can, warehouses_for
from crm.models import Company, Deal
from inventory.models import (
    Barcode,
    Category,
    CostingMethod,
    CostLayer,
    DocumentStatus,
    DocumentType,
    InventorySettings,
    MinimumStock,
    Product,
    StockBalance,
    StockDocument,
    StockMove,
    Warehouse,
)
from layouts.builder import load_layout
from layouts.models import LayoutField
from layouts.services import remove_custom_field

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "admin": "gudang-admin-2026",
    "staff": "gudang-staff-2026",
    "clerk": "gudang-clerk-2026",
    "clerk.sby": "gudang-clerk-2026",
}


def load_demo(*args, language: str = "en") -> str:
    out = StringIO()
    call_command("load_demo", *args, f"--language={language}", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the command writes, counted."""
    return {
        "users": sorted(get_user_model().objects.values_list("username", "password")),
        "warehouses": Warehouse.objects.count(),
        "products": Product.objects.count(),
        "barcodes": Barcode.objects.count(),
        "companies": Company.objects.count(),
        "minimums": MinimumStock.objects.count(),
        "documents": sorted(StockDocument.objects.values_list("number", "status")),
        "moves": StockMove.objects.count(),
        "balances": sorted(StockBalance.objects.values_list("warehouse_id", "product_id", "on_hand", "value")),
        "layers": CostLayer.objects.count(),
        "custom": sorted(Product.objects.values_list("sku", "custom")),
        "layout": sorted(LayoutField.objects.values_list("layout__key", "key", "removed")),
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Django's default hasher takes most of a second per password on a busy CI machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    return load_demo()


def test_demo_users_log_in_with_the_printed_passwords(demo, client):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)}
    assert set(users) == set(DEMO_LOGINS)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(users[name].is_staff or users[name].is_superuser for name in ("staff", "clerk", "clerk.sby"))
    assert all(u.is_active for u in users.values())
    roles = {name: list(u.groups.values_list("name", flat=True)) for name, u in users.items()}
    assert roles == {
        "admin": [ADMINISTRATOR],
        "staff": [STAFF],
        "clerk": [CLERK],
        "clerk.sby": ["Warehouse clerk, Surabaya"],
    }
    for username, password in DEMO_LOGINS.items():
        assert client.login(username=username, password=password), username


def test_the_surabaya_clerk_works_in_surabaya_only(demo):
    clerk = get_user_model().objects.get(username="clerk.sby")
    assert list(warehouses_for(clerk, "inventory.process_receipt").values_list("code", flat=True)) == ["SBY"]
    assert list(warehouses_for(clerk, "inventory.view_warehouse").values_list("code", flat=True)) == ["SBY"]
    assert can(clerk, "inventory.view_product") and can(clerk, "inventory.view_purchase_price")
    assert not can(clerk, "inventory.cancel_receipt", Warehouse.objects.get(code="SBY"))
    assert not can(clerk, "crm.use_crm")


def test_catalog_warehouses_and_companies(demo):
    assert Warehouse.objects.count() == 3
    assert Warehouse.objects.filter(is_default=True).count() == 1
    products = Product.objects.filter(is_active=True)
    assert products.count() >= 60
    assert 5 <= products.values("category").distinct().count() <= 6
    assert not products.filter(barcodes__isnull=True).exists()
    assert not products.filter(selling_price__lte=0).exists()
    codes = list(Barcode.objects.values_list("code", flat=True))
    assert all(len(c) == 13 and c.isdigit() for c in codes)
    assert len(codes) == len(set(codes))
    assert MinimumStock.objects.exists()
    assert Company.objects.filter(is_supplier=True).count() >= 4
    assert Company.objects.filter(is_client=True).count() >= 4


def test_printed_barcode_finds_a_product(demo):
    line = next(x for x in demo.splitlines() if "Barcode to scan:" in x)
    code = line.split("Barcode to scan:")[1].split()[0]
    assert Barcode.objects.get(code=code).product.is_active


def test_documents_of_every_type_are_processed(demo):
    processed = set(
        StockDocument.objects.filter(status=DocumentStatus.PROCESSED).values_list("doc_type", flat=True).distinct()
    )
    assert processed == set(DocumentType.values)
    assert StockDocument.objects.filter(status=DocumentStatus.CANCELLED).exists()
    assert StockDocument.objects.filter(status=DocumentStatus.DRAFT).exists()
    # every processed document left movements, and a cancelled one nets to zero
    assert not StockDocument.objects.filter(status=DocumentStatus.PROCESSED, moves__isnull=True).exists()
    for document in StockDocument.objects.filter(status=DocumentStatus.CANCELLED).annotate(n=Count("moves")):
        assert document.n > 0
        net = document.moves.values("warehouse", "product").annotate(total=Sum("quantity"))
        assert all(row["total"] == 0 for row in net)


def test_ledger_matches_every_balance(demo):
    ledger = (
        StockMove.objects.filter(warehouse=OuterRef("warehouse"), product=OuterRef("product"))
        .values("warehouse", "product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    balances = list(StockBalance.objects.annotate(ledger=Subquery(ledger)))
    assert len(balances) > 60
    drift = [(b.warehouse_id, b.product_id, b.on_hand, b.ledger) for b in balances if b.on_hand != (b.ledger or 0)]
    assert drift == []
    assert not StockBalance.objects.filter(on_hand__lt=0).exists()
    # the ledger has no movement without a balance row either
    keys = set(StockMove.objects.values_list("warehouse_id", "product_id").distinct())
    assert keys <= {(b.warehouse_id, b.product_id) for b in balances}


def test_deliveries_at_different_prices_leave_fifo_layers_at_different_costs(demo):
    assert InventorySettings.current_costing_method() == CostingMethod.FIFO
    costs: dict[tuple[int, int], set] = {}
    for layer in CostLayer.objects.with_remaining().filter(remaining__gt=0):
        costs.setdefault((layer.warehouse_id, layer.product_id), set()).add(layer.value / layer.quantity)
    assert any(len(unit_costs) >= 2 for unit_costs in costs.values())
    # the stock value is what the layers hold, balance by balance
    held = CostLayer.objects.with_remaining().values("warehouse", "product").annotate(total=Sum("remaining_value"))
    assert {(r["warehouse"], r["product"]): r["total"] for r in held if r["total"]} == {
        (b.warehouse_id, b.product_id): b.value for b in StockBalance.objects.exclude(value=0)
    }


def test_running_it_again_changes_nothing(demo):
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "no demo documents added" in output


def test_passwords_are_kept_unless_reset_is_asked(demo, client):
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-admin-77")
    admin.save()

    load_demo()
    assert client.login(username="admin", password="changed-by-the-admin-77")

    load_demo("--reset-passwords")
    assert client.login(username="admin", password=DEMO_LOGINS["admin"])


def test_demo_deals_hold_reservations(demo):
    from inventory.models import Reservation, ReservationStatus

    assert Deal.objects.count() == 4
    assert Deal.objects.filter(stage__kind="lost").count() == 1
    active = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert active.exists() and not active.filter(deal__stage__kind="lost").exists()


def test_products_have_a_halal_field_that_stays_removed_once_removed(demo):
    admin = get_user_model().objects.get(username="admin")
    entry = load_layout("product").custom_entries[0]
    assert entry.label == "Halal certified" and entry.custom.in_list
    halal = Product.objects.filter(custom__halal=True)
    assert halal.exists() and all(p.sku.startswith("MKN-") for p in halal)
    remove_custom_field(by=admin, key="product", field_key="halal")
    load_demo()
    assert load_layout("product").custom_entries == []


def test_the_demo_is_written_in_the_language_asked():
    output = load_demo(language="id")
    assert set(Category.objects.values_list("name", flat=True)) == {
        "Makanan & Minuman",
        "Perlengkapan Rumah Tangga",
        "Elektronik",
        "Alat Tulis Kantor",
        "Perkakas & Bangunan",
        "Perawatan Pribadi",
    }
    assert Deal.objects.filter(title="Restock toko Januari").exists()
    assert "Data demo siap." in output


def test_loading_it_again_in_another_language_keeps_its_categories(demo):
    categories = sorted(Category.objects.values_list("id", "name"))
    load_demo(language="id")
    assert sorted(Category.objects.values_list("id", "name")) == categories
    assert not Category.objects.filter(products__isnull=True).exists()
