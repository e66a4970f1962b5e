"""Whatever is sent, the API answers with JSON and never a 500: NUL characters, numbers too
large for any column, wrong types, a body that is not JSON, unknown ids, ids of another
warehouse's objects; and refused input changes nothing."""

import itertools

import pytest
from django.urls import reverse

from crm.models import Deal
from inventory.models import Product, StockDocument, StockMove, Warehouse
from tests.crm.deal_helpers import deal_with_row
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db

FIELDS = [
    "warehouse", "destination", "supplier", "client", "date", "currency", "comment", "reason", "responsible",
    "custom", "lines", "sku", "name", "unit", "category", "purchase_price", "selling_price", "vat_rate",
    "is_active", "barcodes", "minimums", "code", "address", "is_default", "title", "company", "contact",
    "product", "quantity", "price", "discount", "reserved_until", "confirm_zero_prices", "first_name", "tax_id",
    "email", "phone",
]  # fmt: skip
VALUES = [
    "a\x00b",
    10**40,
    -(10**40),
    "1e999",
    "NaN",
    "-0",
    [],
    {},
    None,
    "9" * 400,
    [{"product": 10**30, "quantity": "NaN"}, "x", None],
    {"\x00": "\x00"},
]
QUERY_VALUES = ["\x00", "9" * 30, "-1", "%'"]
IDS = [0, 9_999_999, 10**18, 10**30]


def urls(world):
    """(URL name, args) of every endpoint with ids that exist, for the world's admin."""
    # more than Bravo holds: processing it (a garbage body may well be a valid one) changes nothing
    document = make_document(
        "sales_order", by=world["admin"], warehouse=world["bravo"], lines=[(world["product"], 1000)]
    )
    deal, row = deal_with_row(by=world["admin"], product=world["product"], quantity=1, warehouse=world["alpha"])
    move = StockMove.objects.filter(warehouse=world["bravo"]).first()
    return [
        ("api:warehouse-list", []),
        ("api:warehouse-detail", [world["bravo"].pk]),
        ("api:category-list", []),
        ("api:product-list", []),
        ("api:product-detail", [world["product"].pk]),
        ("api:stock-list", []),
        ("api:movement-list", []),
        ("api:movement-detail", [move.pk]),
        ("api:company-list", []),
        ("api:company-detail", [world["company"].pk]),
        ("api:contact-list", []),
        ("api:deal-list", []),
        ("api:deal-detail", [deal.pk]),
        ("api:deal-row-list", [deal.pk]),
        ("api:deal-row-detail", [deal.pk, row.pk]),
        ("api:deal-row-reserve", [deal.pk, row.pk]),
        *[("api:document-list", [t]) for t in ("receipt", "transfer")],
        ("api:document-detail", ["sales_order", document.pk]),
        ("api:document-process", ["sales_order", document.pk]),
    ]


def check(response, where):
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if response.status_code != 204:
        body = response.json()
        if response.status_code >= 400:
            assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str), (where, body)


@pytest.mark.parametrize("who", ["admin", "limited"])
def test_garbage_bodies_never_give_a_500_nor_change_anything(world, as_user, who):
    api = as_user(who)
    targets = urls(world)
    before = (StockDocument.objects.count(), StockMove.objects.count(), Product.objects.count(), Deal.objects.count())
    for (name, args), value in itertools.product(targets, VALUES):
        url = reverse(name, args=args)
        body = {field: value for field in FIELDS}
        for method in ("post", "patch"):
            check(getattr(api, method)(url, body, format="json"), (method, url, value))
    for (name, args), value, field in itertools.product(targets, VALUES[:3] + VALUES[-2:], ("lines", "quantity")):
        url = reverse(name, args=args)
        check(api.post(url, {field: value}, format="json"), ("post", url, field, value))
    for name, args in targets:
        url = reverse(name, args=args)
        check(api.post(url, b"\x00{not json", content_type="application/json"), url)
        check(api.post(url, "x=1", content_type="application/x-www-form-urlencoded"), url)
        if name.endswith("-list"):
            for key, value in itertools.product(["warehouse", "product", "q", "status", "page"], QUERY_VALUES):
                check(api.get(url, {key: value}), (url, key, value))
    after = (StockDocument.objects.count(), StockMove.objects.count(), Product.objects.count(), Deal.objects.count())
    assert after == before


def test_unknown_and_huge_ids_are_a_404(world, as_user):
    api = as_user("admin")
    for path, pk in itertools.product(
        ["warehouses/{}/", "products/{}/", "movements/{}/", "companies/{}/", "contacts/{}/", "deals/{}/",
         "deals/{}/rows/", "deals/{}/rows/1/", "documents/receipt/{}/", "documents/receipt/{}/process/"],
        IDS,
    ):  # fmt: skip
        response = api.get(f"/api/v1/{path.format(pk)}")
        assert response.status_code in (404, 405), (path, pk, response.status_code)
        assert response.json()["code"] in ("not_found", "method_not_allowed")
    assert api.get("/api/v1/documents/nope/").json()["code"] == "not_found"
    assert api.get("/api/v1/nowhere/\x00").status_code == 404


def test_the_ids_of_another_warehouse_are_refused_without_naming_it(world, as_user):
    api = as_user("limited")
    bravo = world["bravo"]
    lines = [{"product": world["product"].pk, "quantity": "1"}]
    for body in (
        {"warehouse": bravo.pk, "lines": lines},
        {"warehouse": world["alpha"].pk, "destination": bravo.pk, "lines": lines},
    ):
        response = api.post("/api/v1/documents/transfer/", body, format="json")
        assert response.status_code == 400 and "Bravo" not in response.content.decode()
    minimum = api.post(
        "/api/v1/products/",
        {"sku": "S1", "name": "N", "minimums": [{"warehouse": bravo.pk, "quantity": "1"}]},
        format="json",
    )
    assert minimum.status_code == 400 and "Bravo" not in minimum.content.decode()
    assert not Product.objects.filter(sku="S1").exists()
    assert Warehouse.objects.filter(code="BRAVO").exists()
