import pytest

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from tests.api.helpers import token_client
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import stock_in


@pytest.fixture
def world(db):
    """Two warehouses (Alpha the default) with 10 and 70 of a product, a supplier-client, and
    an administrator, a staff member, a clerk and a clerk limited to Alpha."""
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    alpha = WarehouseFactory(name="Gudang Alpha", code="ALPHA", is_default=True)
    bravo = WarehouseFactory(name="Gudang Bravo", code="BRAVO")
    product = ProductFactory(name="Kopi Bubuk", sku="KOPI-1")
    stock_in(by=admin, warehouse=alpha, product=product, quantity=10)
    stock_in(by=admin, warehouse=bravo, product=product, quantity=70)
    limited = UserFactory(username="alpha-clerk")
    limited.groups.add(limited_role("Clerk of Alpha", [alpha]))
    return {
        "admin": admin,
        "staff": UserFactory(username="staffer", roles=[STAFF]),
        "clerk": UserFactory(username="clerk", roles=[CLERK]),
        "limited": limited,
        "alpha": alpha,
        "bravo": bravo,
        "product": product,
        "company": CompanyFactory(name="PT Mitra"),
    }


@pytest.fixture
def as_user(world):
    """`as_user("admin")`: an APIClient with a token of that user of the world."""
    return lambda name: token_client(world[name])
