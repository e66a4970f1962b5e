"""The bell, the notifications page, marking read, the "Notify me" switches and My account's
subscriptions and digest option; garbage and others' ids are a 404 or changed nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.catalogue import ADMINISTRATOR, CLERK
from accounts.services.profiles import profile_of
from notifications.models import Notification, Subscription
from tests.factories import CategoryFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper():
    return UserFactory(username="keeper", roles=[CLERK])


@pytest.fixture
def warehouse(keeper):
    return WarehouseFactory(name="Gudang Alpha", responsible=keeper)


def notify(user, warehouse, product=None, **fields):
    return Notification.objects.create(
        user=user, warehouse=warehouse, product=product or ProductFactory(), available=2, minimum=5, **fields
    )


def bell(client) -> str:
    page = client.get(reverse("notifications:list")).content.decode()
    start = page.index('id="notification-bell"')
    return page[start : page.index("</a>", start)]


def test_the_bell_counts_the_unread_ones(client, keeper, warehouse):
    client.force_login(keeper)
    assert 'id="notification-count"' not in bell(client)
    first, _second = notify(keeper, warehouse), notify(keeper, warehouse)
    notify(keeper, warehouse, read_at="2026-01-01T00:00Z")
    assert '<span class="badge rounded-pill text-bg-warning notification-count" id="notification-count">2</span>' in (
        bell(client)
    )
    client.post(reverse("notifications:read", args=[first.pk]))
    assert 'id="notification-count">1<' in bell(client)


def test_the_bell_leaves_out_warehouses_the_user_no_longer_sees(client, warehouse):
    other = WarehouseFactory()
    clerk = UserFactory(username="alpha-clerk")
    clerk.groups.add(limited_role("Clerk, Alpha", [warehouse]))
    notify(clerk, warehouse)
    hidden = notify(clerk, other, product=ProductFactory(name="Rahasia"))
    client.force_login(clerk)
    assert 'id="notification-count">1<' in bell(client)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Rahasia" not in page and other.name not in page
    assert client.post(reverse("notifications:read", args=[hidden.pk])).status_code == 404


def test_the_list_shows_what_fell_and_never_a_price(client, keeper, warehouse):
    product = ProductFactory(name="Kopi Bubuk", purchase_price=Decimal("987654.32"))
    notify(keeper, warehouse, product=product)
    client.force_login(keeper)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Kopi Bubuk" in page and "is below its minimum in Gudang Alpha" in page
    assert "2\xa0pcs available, minimum 5\xa0pcs" in page
    assert "987" not in page


def test_unread_only_filter(client, keeper, warehouse):
    notify(keeper, warehouse, product=ProductFactory(name="Baru"))
    notify(keeper, warehouse, product=ProductFactory(name="Lama"), read_at="2026-01-01T00:00Z")
    client.force_login(keeper)
    page = client.get(reverse("notifications:list") + "?unread=on").content.decode()
    assert "Baru" in page and "Lama" not in page


def test_mark_read_and_mark_all_read(client, keeper, warehouse):
    one, two, three = (notify(keeper, warehouse) for _ in range(3))
    client.force_login(keeper)
    response = client.post(reverse("notifications:read", args=[one.pk]), {"next": "/inventory/stock/"})
    assert response.status_code == 302 and response["Location"] == "/inventory/stock/"
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {two.pk, three.pk}
    response = client.post(reverse("notifications:read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_anothers_notification_is_a_404_and_stays_unread(client, keeper, warehouse):
    someone = UserFactory(username="someone", roles=[CLERK])
    theirs = notify(someone, warehouse)
    client.force_login(keeper)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[987654321])).status_code == 404
    assert client.post("/notifications/abc/read/").status_code == 404
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_takes_the_same_queries_for_one_notification_and_for_fifty(client, keeper, warehouse):
    client.force_login(keeper)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(captured)

    notify(keeper, warehouse)
    one = queries()
    for _ in range(49):
        notify(keeper, warehouse)
    assert queries() == one


def test_garbage_on_the_list_is_ignored(client, keeper, warehouse):
    notify(keeper, warehouse)
    client.force_login(keeper)
    for query in ("?unread=%00", "?page=-1", "?page=abc", "?unread=" + "x" * 5000, "?page=99999"):
        assert client.get(reverse("notifications:list") + query).status_code == 200, query


def test_notify_me_on_a_product_and_on_its_category(client, keeper):
    product = ProductFactory(name="Kopi Bubuk", category=CategoryFactory(name="Minuman"))
    client.force_login(keeper)
    detail = reverse("inventory:product_detail", args=[product.pk])
    page = client.get(detail).content.decode()
    assert "Notify me" in page and 'aria-label="Be notified when a product of “Minuman” goes below' in page
    client.post(reverse("notifications:product_subscription", args=[product.pk]), {"on": "1", "next": detail})
    client.post(reverse("notifications:category_subscription", args=[product.category_id]), {"on": "1"})
    client.post(reverse("notifications:category_subscription", args=[product.category_id]), {"on": "1"})  # twice
    assert set(Subscription.objects.values_list("user__username", "product__name", "category__name")) == {
        ("keeper", "Kopi Bubuk", None),
        ("keeper", None, "Minuman"),
    }
    page = client.get(detail).content.decode()
    assert "Notifying me" in page and 'aria-label="You are notified when a product of “Minuman” goes below' in page
    listed = client.get(reverse("inventory:product_list") + f"?category={product.category_id}").content.decode()
    assert "Notifying me about “Minuman”" in listed
    client.post(reverse("notifications:product_subscription", args=[product.pk]), {})  # not ticked: off
    assert not Subscription.objects.filter(product=product).exists()


def test_notify_me_garbage_and_unknown_ids(client, keeper):
    product = ProductFactory()
    client.force_login(keeper)
    assert client.post(reverse("notifications:product_subscription", args=[987654321]), {"on": "1"}).status_code == 404
    assert client.post(reverse("notifications:category_subscription", args=[987654321])).status_code == 404
    assert client.get(reverse("notifications:product_subscription", args=[product.pk])).status_code == 405
    response = client.post(reverse("notifications:product_subscription", args=[product.pk]), {"on": "\x00" * 3})
    assert response.status_code == 302
    response = client.post(
        reverse("notifications:product_subscription", args=[product.pk]), {"on": "1", "next": "//evil.example/"}
    )
    assert response["Location"] == reverse("inventory:product_detail", args=[product.pk])


def test_a_user_without_the_products_page_cannot_subscribe(client):
    nobody = UserFactory(username="nobody")
    product = ProductFactory()
    client.force_login(nobody)
    assert client.post(reverse("notifications:product_subscription", args=[product.pk]), {"on": "1"}).status_code == 403
    assert not Subscription.objects.exists()


def test_my_account_lists_the_subscriptions_and_ends_one(client, keeper):
    product = ProductFactory(name="Kopi Bubuk")
    category = CategoryFactory(name="Minuman")
    mine = Subscription.objects.create(user=keeper, product=product)
    Subscription.objects.create(user=keeper, category=category)
    someone = UserFactory(username="someone", roles=[CLERK])
    theirs = Subscription.objects.create(user=someone, product=ProductFactory(name="Punya Orang"))
    client.force_login(keeper)
    page = client.get(reverse("my_account")).content.decode()
    assert "Kopi Bubuk" in page and "Category “Minuman”" in page and "Punya Orang" not in page
    assert client.post(reverse("notifications:subscription_end", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:subscription_end", args=[987654321])).status_code == 404
    assert client.post(reverse("notifications:subscription_end", args=[mine.pk])).status_code == 302
    assert set(Subscription.objects.values_list("user__username", "category__name")) == {
        ("keeper", "Minuman"),
        ("someone", None),
    }


def test_the_digest_option(client, keeper):
    client.force_login(keeper)
    client.post(reverse("notifications:digest"), {"daily_digest": "on"})
    assert profile_of(keeper).daily_digest is True
    assert 'id="id_daily_digest" checked' in (client.get(reverse("my_account")).content.decode())
    client.post(reverse("notifications:digest"), {"daily_digest": "\x00"})
    client.post(reverse("notifications:digest"), {})
    assert profile_of(keeper).daily_digest is False
    assert client.get(reverse("notifications:digest")).status_code == 405


def test_an_administrator_sees_every_warehouses_notifications(client, warehouse):
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    notify(admin, warehouse)
    notify(admin, WarehouseFactory())
    client.force_login(admin)
    assert 'id="notification-count">2<' in bell(client)
