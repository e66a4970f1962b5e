"""Every list answers with the same number of queries for 1 row as for 12."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import Company, Contact
from crm.services.deals import RowInput, add_row
from inventory.models import MinimumStock
from tests.crm.deal_helpers import deal_with_row
from tests.factories import BarcodeFactory, CategoryFactory, ProductFactory, WarehouseFactory
from tests.stock_helpers import hold, make_document, stock_in

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/warehouses/",
    "/api/v1/categories/",
    "/api/v1/products/",
    "/api/v1/stock/",
    "/api/v1/stock/?below_minimum=true",
    "/api/v1/movements/",
    "/api/v1/documents/adjustment/",
    "/api/v1/documents/transfer/",
    "/api/v1/companies/",
    "/api/v1/contacts/",
    "/api/v1/deals/",
]


def add_rows(world, n: int) -> None:
    """`n` more of everything the lists show."""
    admin = world["admin"]
    for i in range(n):
        warehouse = WarehouseFactory()
        product = ProductFactory(category=CategoryFactory())
        BarcodeFactory(product=product)
        stock_in(by=admin, warehouse=warehouse, product=product, quantity=5)
        MinimumStock.objects.create(product=product, warehouse=warehouse, quantity=Decimal(9))
        hold(by=admin, warehouse=warehouse, product=product, quantity=1)
        make_document("transfer", by=admin, warehouse=warehouse, destination=world["alpha"], lines=[(product, 1)])
        company = Company.objects.create(name=f"Mitra {i}", is_client=True)
        Contact.objects.create(first_name=f"Ani {i}", company=company)
        deal_with_row(by=admin, product=product, quantity=1, warehouse=warehouse, company=company, title=f"D{i}")


def counts(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("who", ["admin", "staff"])  # with and without the purchase prices
def test_lists_take_a_constant_number_of_queries(world, as_user, who):
    add_rows(world, 1)
    with time_machine.travel(timezone.now(), tick=False):  # one rate-limit window for the whole test
        api = as_user(who)
        api.get("/api/v1/warehouses/")
        few = {url: counts(api, url) for url in LISTS}
        add_rows(world, 11)
        many = {url: counts(api, url) for url in LISTS}
    assert many == few


def test_a_document_and_a_deal_take_a_constant_number_of_queries(world, as_user):
    admin = world["admin"]
    products = [ProductFactory() for _ in range(12)]
    for product in products:
        stock_in(by=admin, warehouse=world["alpha"], product=product, quantity=3)
    one = make_document("adjustment", by=admin, warehouse=world["alpha"], lines=[(products[0], 1)])
    twelve = make_document("adjustment", by=admin, warehouse=world["alpha"], lines=[(p, 1) for p in products])
    deal_one, _row = deal_with_row(by=admin, product=products[0], quantity=1, warehouse=world["alpha"])
    deal_many, _row = deal_with_row(by=admin, product=products[0], quantity=1, warehouse=world["alpha"])
    for product in products[1:]:
        add_row(deal_many, by=admin, row=RowInput(product=product, quantity=Decimal(1), warehouse=world["alpha"]))
    with time_machine.travel(timezone.now(), tick=False):
        api = as_user("admin")
        api.get("/api/v1/warehouses/")
        assert counts(api, f"/api/v1/documents/adjustment/{one.pk}/") == counts(
            api, f"/api/v1/documents/adjustment/{twelve.pk}/"
        )
        assert counts(api, f"/api/v1/deals/{deal_one.pk}/") == counts(api, f"/api/v1/deals/{deal_many.pk}/")
        assert counts(api, f"/api/v1/deals/{deal_one.pk}/rows/") == counts(api, f"/api/v1/deals/{deal_many.pk}/rows/")
