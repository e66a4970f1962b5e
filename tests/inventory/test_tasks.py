"""The release of expired reservations as a background job: queued once, run by db_worker,
each run queueing the next."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.catalogue import ADMINISTRATOR
from inventory.models import Reservation, ReservationStatus
from inventory.tasks import release_expired_reservations
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import hold, stock_in

pytestmark = pytest.mark.django_db


def queued():
    return list(
        DBTaskResult.objects.filter(task_path=release_expired_reservations.module_path)
        .order_by("enqueued_at")
        .values_list("status", flat=True)
    )


def test_schedule_jobs_queues_the_release_once():
    call_command("schedule_jobs")
    call_command("schedule_jobs")
    assert queued() == [TaskResultStatus.READY]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_the_worker_releases_expired_reservations_and_queues_the_next_run():
    admin = UserFactory(roles=[ADMINISTRATOR])
    warehouse, product = WarehouseFactory(), ProductFactory()
    stock_in(by=admin, warehouse=warehouse, product=product, quantity=5)
    soon = hold(by=admin, warehouse=warehouse, product=product, quantity=2, until=timezone.now() + timedelta(minutes=5))
    later = hold(by=admin, warehouse=warehouse, product=product, quantity=1)
    call_command("schedule_jobs")

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        statuses = dict(Reservation.objects.values_list("pk", "status"))
        assert statuses == {soon.pk: ReservationStatus.RELEASED, later.pk: ReservationStatus.ACTIVE}
        assert queued() == [TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY]
        next_run = DBTaskResult.objects.get(
            task_path=release_expired_reservations.module_path, status=TaskResultStatus.READY
        ).run_after
        assert timezone.now() + timedelta(seconds=50) < next_run <= timezone.now() + timedelta(minutes=1)
        # Running again before the next run is due does nothing more.
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert queued() == [TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY]
