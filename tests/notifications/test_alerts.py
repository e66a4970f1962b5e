"""A balance going below its minimum notifies once; recovering re-arms it; only users who see
the warehouse are told; subscriptions to the product and to its category."""

from decimal import Decimal

import pytest

from accounts.catalogue import ADMINISTRATOR, CLERK
from inventory.models import DocumentType, Warehouse
from inventory.services.catalog import ProductInput, update_product
from inventory.services.documents import cancel_document
from notifications.models import LowStockAlert, Notification
from notifications.services.subscriptions import set_category_subscription, set_product_subscription
from tests.factories import CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.notifications.helpers import receive, sell, set_minimum
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    keeper = UserFactory(username="keeper", roles=[CLERK])
    warehouse = WarehouseFactory(name="Gudang Alpha", responsible=keeper)
    product = ProductFactory(name="Kopi Bubuk")
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=10)
    set_minimum(warehouse, product, 5)
    return {"admin": admin, "keeper": keeper, "warehouse": warehouse, "product": product}


def told(user=None):
    rows = Notification.objects.order_by("id")
    if user is not None:
        rows = rows.filter(user=user)
    return list(rows.values_list("user__username", "product__name", "available", "minimum"))


def test_going_below_the_minimum_notifies_the_responsible_employee_once(world):
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=5)
    assert told() == []  # 5 available: at the minimum, not below it
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=1)
    assert told() == [("keeper", "Kopi Bubuk", Decimal(4), Decimal(5))]
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=2)
    assert len(told()) == 1  # still below: not again
    assert LowStockAlert.objects.filter(warehouse=world["warehouse"], product=world["product"]).count() == 1


def test_recovering_re_arms_the_alert(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    sell(by=admin, warehouse=w, product=p, quantity=6)
    receive(by=admin, warehouse=w, product=p, quantity=1)  # 5: back at the minimum
    assert not LowStockAlert.objects.exists()
    sell(by=admin, warehouse=w, product=p, quantity=1)
    assert [row[2] for row in told()] == [Decimal(4), Decimal(4)]


def test_cancelling_a_receipt_can_take_it_below(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    document = receive(by=admin, warehouse=w, product=p, quantity=3)  # 13
    sell(by=admin, warehouse=w, product=p, quantity=8)  # 5
    assert told() == []
    cancel_document(document, by=admin)  # 2
    assert told() == [("keeper", "Kopi Bubuk", Decimal(2), Decimal(5))]


def test_a_reservation_taking_it_below_notifies_and_releasing_re_arms(world):
    from inventory.services.reservations import release_deal
    from tests.crm.deal_helpers import deal_with_row

    w, p, admin = world["warehouse"], world["product"], world["admin"]
    deal, row = deal_with_row(by=admin, product=p, quantity=7, warehouse=w)
    from inventory.services.reservations import reserve_row

    reserve_row(row, by=admin)
    assert told() == [("keeper", "Kopi Bubuk", Decimal(3), Decimal(5))]
    release_deal(deal)
    assert not LowStockAlert.objects.exists()


def test_raising_the_minimum_above_what_is_available_notifies(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    data = ProductInput(sku=p.sku, name=p.name, category=p.category, is_active=True, minimums={w: Decimal(12)})
    update_product(p, by=admin, data=data)
    assert told() == [("keeper", "Kopi Bubuk", Decimal(10), Decimal(12))]
    update_product(p, by=admin, data=ProductInput(sku=p.sku, name=p.name, is_active=True, minimums={w: Decimal(3)}))
    assert not LowStockAlert.objects.exists()


def test_only_users_who_see_the_warehouse_are_told(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    elsewhere = WarehouseFactory(name="Gudang Bravo")
    outsider = UserFactory(username="outsider")
    outsider.groups.add(limited_role("Clerk, Bravo", [elsewhere]))
    insider = UserFactory(username="insider")
    insider.groups.add(limited_role("Clerk, Alpha", [w]))
    Warehouse.objects.filter(pk=w.pk).update(responsible=outsider)  # responsible, but cannot see it
    for user in (outsider, insider):
        set_product_subscription(user, p, on=True)
    sell(by=admin, warehouse=w, product=p, quantity=6)
    assert [row[0] for row in told()] == ["insider"]


def test_subscribers_to_the_product_and_to_its_category_are_told_once_each(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    fan, category_fan, both = (UserFactory(username=name, roles=[CLERK]) for name in ("fan", "cat-fan", "both"))
    other_category = CategoryFactory(name="Teh")
    bystander = UserFactory(username="bystander", roles=[CLERK])
    set_product_subscription(fan, p, on=True)
    set_category_subscription(category_fan, p.category, on=True)
    set_product_subscription(both, p, on=True)
    set_category_subscription(both, p.category, on=True)
    set_category_subscription(bystander, other_category, on=True)
    sell(by=admin, warehouse=w, product=p, quantity=6)
    assert sorted(row[0] for row in told()) == ["both", "cat-fan", "fan", "keeper"]


def test_a_product_without_a_minimum_never_notifies(world):
    w, admin = world["warehouse"], world["admin"]
    plain = ProductFactory()
    stock_in(by=admin, warehouse=w, product=plain, quantity=3)
    sell(by=admin, warehouse=w, product=plain, quantity=3)
    assert told() == []


def test_a_transfer_notifies_for_the_warehouse_it_leaves(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    from inventory.services.documents import process_document
    from tests.stock_helpers import make_document

    other = WarehouseFactory()
    transfer = make_document(DocumentType.TRANSFER, by=admin, warehouse=w, destination=other, lines=[(p, 8)])
    process_document(transfer, by=admin)
    assert told() == [("keeper", "Kopi Bubuk", Decimal(2), Decimal(5))]


def test_held_stock_counts_against_what_is_available(world):
    w, p, admin = world["warehouse"], world["product"], world["admin"]
    hold(by=admin, warehouse=w, product=p, quantity=4)  # written directly: no check yet
    sell(by=admin, warehouse=w, product=p, quantity=2)  # 8 on hand − 4 held = 4
    assert told() == [("keeper", "Kopi Bubuk", Decimal(4), Decimal(5))]


def test_winning_a_deal_counts_what_its_order_ships_once(world):
    """The order consumes the deal's reservation in the same transaction: the check runs after
    that, so what the order takes is not counted twice (reserved and shipped)."""
    from crm.services.deals import win_deal
    from inventory.services.reservations import reserve_row
    from tests.crm.deal_helpers import deal_with_row

    w, p, admin = world["warehouse"], world["product"], world["admin"]
    set_minimum(w, p, 2)
    deal, row = deal_with_row(by=admin, product=p, quantity=7, warehouse=w)
    reserve_row(row, by=admin)  # 10 − 7 = 3 available, above 2
    win_deal(deal, by=admin)  # 3 on hand, nothing reserved: still 3
    assert told() == []
    assert not LowStockAlert.objects.exists()


def test_tidying_up_expired_reservations_re_arms(world):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from inventory.services.reservations import release_expired, reserve_row
    from tests.crm.deal_helpers import deal_with_row

    w, p, admin = world["warehouse"], world["product"], world["admin"]
    _deal, row = deal_with_row(by=admin, product=p, quantity=7, warehouse=w)
    reserve_row(row, by=admin, until=timezone.now() + timedelta(hours=1))
    assert LowStockAlert.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert release_expired() == 1
    assert not LowStockAlert.objects.exists()
