"""Product pages: search, filters, sorting, detail with balances and history, forms, query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Barcode, MinimumStock, Product
from tests.factories import BarcodeFactory, CategoryFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db

LIST = reverse("inventory:product_list")


def _names(response) -> list[str]:
    return [p.name for p in response.context["products"]]


def _form_data(**changes) -> dict:
    data = {
        "sku": "KOPI-1",
        "name": "Kopi Luwak",
        "unit": "pcs",
        "category": "",
        "purchase_price": "50000",
        "selling_price": "75000",
        "vat_rate": "11",
        "is_active": "on",
        "barcodes": "8991111111111\n8992222222222",
    }
    return {**data, **changes}


@pytest.fixture
def catalog():
    coffee = ProductFactory(sku="KOPI-001", name="Kopi Luwak")
    tea = ProductFactory(sku="TEH-002", name="Teh Botol")
    BarcodeFactory(product=tea, code="8990001112223")
    ProductFactory(sku="GULA-003", name="Gula Pasir", is_active=False, unit="kg")
    return coffee, tea


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("luwak", ["Kopi Luwak"]),
        ("teh-0", ["Teh Botol"]),
        ("8990001112223", ["Teh Botol"]),
        ("899000111", []),  # barcodes match exactly, not by part
        ("", ["Gula Pasir", "Kopi Luwak", "Teh Botol"]),
    ],
)
def test_search_by_name_sku_and_exact_barcode(client_logged_in, catalog, query, expected):
    response = client_logged_in.get(LIST, {"q": query})
    assert response.status_code == 200
    assert _names(response) == expected


def test_filters_by_active_unit_and_category(client_logged_in, catalog):
    coffee, _tea = catalog
    assert _names(client_logged_in.get(LIST, {"is_active": "false"})) == ["Gula Pasir"]
    assert _names(client_logged_in.get(LIST, {"unit": "kg"})) == ["Gula Pasir"]
    assert _names(client_logged_in.get(LIST, {"category": coffee.category_id})) == ["Kopi Luwak"]


def test_sorting_by_sku_and_on_hand(client_logged_in, user, catalog):
    coffee, tea = catalog
    warehouse = WarehouseFactory()
    stock_in(by=user, warehouse=warehouse, product=coffee, quantity=5)
    stock_in(by=user, warehouse=warehouse, product=tea, quantity=9)
    assert _names(client_logged_in.get(LIST, {"sort": "sku"})) == ["Gula Pasir", "Kopi Luwak", "Teh Botol"]
    assert _names(client_logged_in.get(LIST, {"sort": "-on_hand"})) == ["Teh Botol", "Kopi Luwak", "Gula Pasir"]
    on_hand = {p.name: p.on_hand for p in client_logged_in.get(LIST).context["products"]}
    assert on_hand == {"Gula Pasir": 0, "Kopi Luwak": 5, "Teh Botol": 9}


@pytest.mark.parametrize("params", [{"sort": "password"}, {"page": "abc"}, {"page": "9999"}, {"category": "x"}])
def test_bad_list_parameters_do_not_fail(client_logged_in, catalog, params):
    assert client_logged_in.get(LIST, params).status_code == 200


def test_list_is_paginated_by_50(client_logged_in):
    ProductFactory.create_batch(51)
    response = client_logged_in.get(LIST)
    assert len(response.context["products"]) == 50
    assert len(client_logged_in.get(LIST, {"page": 2}).context["products"]) == 1


def _make_stocked_products(count: int, user) -> None:
    warehouses = [WarehouseFactory(), WarehouseFactory()]
    for _ in range(count):
        product = ProductFactory()
        BarcodeFactory(product=product)
        BarcodeFactory(product=product)
        for warehouse in warehouses:
            stock_in(by=user, warehouse=warehouse, product=product, quantity=3)


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client_logged_in, user):
    _make_stocked_products(1, user)
    one = _count_queries(client_logged_in, LIST)
    _make_stocked_products(49, user)
    fifty = _count_queries(client_logged_in, LIST)
    assert len(client_logged_in.get(LIST).context["products"]) == 50
    assert one == fifty


def test_detail_shows_balances_per_warehouse_and_history(client_logged_in, user):
    product = ProductFactory(name="Kopi Luwak")
    jakarta = WarehouseFactory(name="Gudang Jakarta")
    WarehouseFactory(name="Gudang Kosong")
    first = stock_in(by=user, warehouse=jakarta, product=product, quantity=Decimal("12.5"))
    second = stock_in(by=user, warehouse=jakarta, product=product, quantity=3)
    hold(by=user, warehouse=jakarta, product=product, quantity=2)
    response = client_logged_in.get(reverse("inventory:product_detail", args=[product.pk]))
    assert response.status_code == 200
    balances = {w.name: (w.on_hand, w.reserved, w.available) for w in response.context["balances"]}
    assert balances == {"Gudang Jakarta": (Decimal("15.5"), 2, Decimal("13.5")), "Gudang Kosong": (0, 0, 0)}
    html = response.content.decode()
    assert "15.5" in html and "15.500" not in html
    assert html.index(second.number) < html.index(first.number)  # newest first
    document_url = reverse("inventory:document_detail", args=[second.doc_type, second.pk])
    assert f'href="{document_url}"' in html
    assert [(m.quantity, m.balance_after) for m in response.context["moves"]] == [
        (Decimal("3"), Decimal("15.5")),
        (Decimal("12.5"), Decimal("12.5")),
    ]


def test_detail_queries_do_not_grow_with_moves_or_warehouses(client_logged_in, user):
    product = ProductFactory()
    BarcodeFactory(product=product)
    stock_in(by=user, warehouse=WarehouseFactory(), product=product, quantity=1)
    url = reverse("inventory:product_detail", args=[product.pk])
    few = _count_queries(client_logged_in, url)
    for _ in range(4):
        warehouse = WarehouseFactory()
        MinimumStock.objects.create(product=product, warehouse=warehouse, quantity=2)
        for _ in range(8):
            stock_in(by=user, warehouse=warehouse, product=product, quantity=1)
    many = _count_queries(client_logged_in, url)
    assert few == many


def test_create_product_through_the_form(client_logged_in):
    warehouse = WarehouseFactory()
    response = client_logged_in.post(reverse("inventory:product_create"), _form_data(**{f"min_{warehouse.pk}": "4.5"}))
    product = Product.objects.get(sku="KOPI-1")
    assert response.status_code == 302 and response["Location"] == reverse(
        "inventory:product_detail", args=[product.pk]
    )
    assert sorted(product.barcodes.values_list("code", flat=True)) == ["8991111111111", "8992222222222"]
    assert product.minimum_levels.get().quantity == Decimal("4.5")


def test_edit_form_shows_current_values_and_saves(client_logged_in):
    warehouse = WarehouseFactory()
    product = ProductFactory(sku="KOPI-1", name="Kopi")
    BarcodeFactory(product=product, code="123")
    MinimumStock.objects.create(product=product, warehouse=warehouse, quantity=5)
    url = reverse("inventory:product_update", args=[product.pk])
    page = client_logged_in.get(url)
    assert page.status_code == 200
    assert page.context["form"]["barcodes"].value() == "123"
    assert 'value="5"' in page.content.decode()
    response = client_logged_in.post(
        url, _form_data(name="Kopi Toraja", barcodes="123, 456", **{f"min_{warehouse.pk}": ""})
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Kopi Toraja"
    assert sorted(product.barcodes.values_list("code", flat=True)) == ["123", "456"]
    assert not product.minimum_levels.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purchase_price": "-5"}, "purchase_price"),
        ({"selling_price": "abc"}, "selling_price"),
        ({"vat_rate": "150"}, "vat_rate"),
        ({"sku": ""}, "sku"),
        ({"unit": "bucket"}, "unit"),
        ({"category": "999999"}, "category"),
        ({"barcodes": "8990001112223"}, "barcodes"),  # belongs to another product
        ({"sku": "TEH-002"}, "sku"),  # another product's SKU
    ],
)
def test_bad_input_is_shown_beside_the_field_and_changes_nothing(client_logged_in, catalog, changes, field):
    coffee, _tea = catalog
    url = reverse("inventory:product_update", args=[coffee.pk])
    before = (Product.objects.count(), Barcode.objects.count())
    response = client_logged_in.post(url, _form_data(**{"sku": coffee.sku, **changes}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    coffee.refresh_from_db()
    assert coffee.name == "Kopi Luwak"
    assert (Product.objects.count(), Barcode.objects.count()) == before


def test_duplicate_barcode_message_names_the_other_product(client_logged_in, catalog):
    response = client_logged_in.post(reverse("inventory:product_create"), _form_data(barcodes="8990001112223"))
    assert response.status_code == 200
    assert "already belongs to “TEH-002 · Teh Botol”" in response.content.decode()
    assert not Product.objects.filter(sku="KOPI-1").exists()


def test_negative_minimum_is_a_form_error(client_logged_in):
    warehouse = WarehouseFactory()
    response = client_logged_in.post(reverse("inventory:product_create"), _form_data(**{f"min_{warehouse.pk}": "-1"}))
    assert response.status_code == 200
    assert f"min_{warehouse.pk}" in response.context["form"].errors
    assert not Product.objects.exists()


@pytest.mark.parametrize("name", ["product_detail", "product_update"])
def test_unknown_product_is_404(client_logged_in, name):
    url = reverse(f"inventory:{name}", args=[999999])
    assert client_logged_in.get(url).status_code == 404
    assert client_logged_in.post(url, _form_data()).status_code == 404


def test_indonesian_decimal_input_is_accepted(client_logged_in):
    client_logged_in.cookies["django_language"] = "id"
    response = client_logged_in.post(reverse("inventory:product_create"), _form_data(selling_price="1250,50"))
    assert response.status_code == 302
    assert Product.objects.get(sku="KOPI-1").selling_price == Decimal("1250.50")


def test_category_filter_lists_categories(client_logged_in):
    CategoryFactory(name="Minuman")
    assert "Minuman" in client_logged_in.get(LIST).content.decode()
