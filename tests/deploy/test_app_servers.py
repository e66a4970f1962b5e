"""Several app servers on one database, as in production behind a load balancer: two gunicorn
instances of two workers each and the background worker, every one its own process, and 40 API
clients selling one unit each, five times, from a balance of 100 at the same moment."""

from decimal import Decimal

import pytest
from django.db import connection

from accounts.catalogue import CLERK
from api.services.tokens import create_token
from bench.api_load import Sale, sell_concurrently
from bench.servers import app_servers
from inventory.models import StockBalance
from inventory.selectors.ledger import cost_drift, ledger_drift, stock_day_drift
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import stock_in

CLIENTS, EACH, STOCK = 40, 5, 100


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_sell_exactly_the_stock_there_is():
    clerk = UserFactory(username="floor-clerk", roles=[CLERK])
    warehouse = WarehouseFactory(name="Gudang Pusat", is_default=True)
    product = ProductFactory(name="Kopi Bubuk")
    stock_in(by=clerk, warehouse=warehouse, product=product, quantity=STOCK)
    buyer = CompanyFactory(name="PT Pembeli", is_client=True)
    tokens = [create_token(user=clerk, by=clerk, name=f"shop {n}")[1] for n in range(CLIENTS)]
    sale = Sale(warehouse=warehouse.pk, product=product.pk, client=buyer.pk)

    with app_servers(connection.settings_dict, instances=2, workers=2) as urls:
        assert len(set(urls)) == 2
        outcome = sell_concurrently(urls, tokens, [sale], each=EACH)

    assert outcome.other == []
    assert (outcome.processed, outcome.insufficient) == (STOCK, CLIENTS * EACH - STOCK)
    balance = StockBalance.objects.get(warehouse=warehouse, product=product)
    assert balance.on_hand == Decimal(0)
    assert ledger_drift() == [] and cost_drift() == [] and stock_day_drift() == []
