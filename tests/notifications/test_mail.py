"""E-mails: one per notification, sent by the worker's task after the commit; or, for a user who
takes the daily digest, one a day listing them. Never a price, never a warehouse the user
does not see."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.catalogue import ADMINISTRATOR, CLERK
from notifications.models import Notification
from notifications.services.subscriptions import set_daily_digest, set_product_subscription
from notifications.tasks import next_digest_time, schedule_digest, send_low_stock_digest, send_low_stock_emails
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.notifications.helpers import sell, set_minimum
from tests.stock_helpers import stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = UserFactory(username="boss", roles=[ADMINISTRATOR])
    keeper = UserFactory(username="keeper", roles=[CLERK], email="keeper@gudang.test")
    warehouse = WarehouseFactory(name="Gudang Alpha", responsible=keeper)
    product = ProductFactory(name="Kopi Bubuk", purchase_price=Decimal("987654.32"), selling_price=Decimal("123456.78"))
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=10)
    set_minimum(warehouse, product, 5)
    return {"admin": admin, "keeper": keeper, "warehouse": warehouse, "product": product}


def ids():
    return list(Notification.objects.order_by("id").values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)  # the commit queues the task; the worker runs it
def test_the_worker_e_mails_a_notification_after_the_commit(world):
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    assert mail.outbox == []  # queued, not sent while the user waits
    queued = DBTaskResult.objects.get(task_path=send_low_stock_emails.module_path)
    assert queued.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["keeper@gudang.test"]
    assert message.subject == "Low stock: Kopi Bubuk in Gudang Alpha"
    assert "Kopi Bubuk" in message.body and "Gudang Alpha" in message.body
    assert "4\xa0pcs available, minimum 5\xa0pcs" in message.body
    assert "987" not in message.body and "123" not in message.body  # no price
    assert Notification.objects.get().emailed_at is not None


def test_running_the_task_twice_sends_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    assert len(callbacks) == 1
    assert send_low_stock_emails.call(ids()) == 1
    assert send_low_stock_emails.call(ids()) == 0
    assert len(mail.outbox) == 1


def test_a_user_who_no_longer_sees_the_warehouse_gets_no_e_mail(world):
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    world["keeper"].groups.clear()
    assert send_low_stock_emails.call(ids()) == 0
    assert mail.outbox == []


def test_a_user_without_an_address_gets_none(world):
    type(world["keeper"]).objects.filter(pk=world["keeper"].pk).update(email="")
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    assert send_low_stock_emails.call(ids()) == 0


def test_the_daily_digest_lists_the_days_notifications_in_one_e_mail(world):
    keeper, admin, warehouse = world["keeper"], world["admin"], world["warehouse"]
    set_daily_digest(keeper, True)
    other = ProductFactory(name="Teh Celup")
    stock_in(by=admin, warehouse=warehouse, product=other, quantity=3)
    set_minimum(warehouse, other, 2)
    set_product_subscription(keeper, other, on=True)
    sell(by=admin, warehouse=warehouse, product=world["product"], quantity=6)
    sell(by=admin, warehouse=warehouse, product=other, quantity=2)
    assert len(ids()) == 2
    assert send_low_stock_emails.call(ids()) == 0  # they wait for the digest
    assert send_low_stock_digest.call() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Low stock: 2 products below their minimum"
    assert "Kopi Bubuk" in body and "Teh Celup" in body
    assert send_low_stock_digest.call() == 0  # nothing new since
    call_command("send_low_stock_digest", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_the_digest_command_sends_the_digests(world, capsys):
    set_daily_digest(world["keeper"], True)
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    call_command("send_low_stock_digest")
    assert "1 digest sent." in capsys.readouterr().out
    assert mail.outbox[0].to == ["keeper@gudang.test"]


def test_the_digest_is_scheduled_once_for_the_next_morning(world):
    assert schedule_digest() is True
    assert schedule_digest() is False
    waiting = DBTaskResult.objects.get(task_path=send_low_stock_digest.module_path, status=TaskResultStatus.READY)
    assert waiting.run_after == next_digest_time(waiting.enqueued_at)


def test_the_next_digest_time_is_the_next_seven_oclock_local_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    jakarta = ZoneInfo("Asia/Jakarta")
    assert next_digest_time(datetime(2026, 12, 3, 6, 59, tzinfo=jakarta)) == datetime(2026, 12, 3, 7, tzinfo=jakarta)
    assert next_digest_time(datetime(2026, 12, 3, 7, 0, tzinfo=jakarta)) == datetime(2026, 12, 4, 7, tzinfo=jakarta)


def test_turning_the_digest_off_e_mails_what_waited_for_it(world, django_capture_on_commit_callbacks):
    set_daily_digest(world["keeper"], True)
    sell(by=world["admin"], warehouse=world["warehouse"], product=world["product"], quantity=6)
    with django_capture_on_commit_callbacks(execute=True):
        set_daily_digest(world["keeper"], False)
    waiting = DBTaskResult.objects.get(task_path=send_low_stock_emails.module_path, args_kwargs__args=[ids()])
    assert waiting.status == TaskResultStatus.READY
    assert send_low_stock_emails.call(ids()) == 1
    assert mail.outbox[0].to == ["keeper@gudang.test"]
