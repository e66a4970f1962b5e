"""A change of costing method: the service's rights and refusals, the background task run by
the worker end to end (progress up to the total, done, the method switched), a failure, a run
whose process was killed, and `manage.py recompute_costs`."""

import signal
import subprocess
import sys
import time
from decimal import Decimal
from io import StringIO
from unittest import mock

import psycopg
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.catalogue import ADMINISTRATOR, CLERK, STAFF
from inventory.locks import RECOMPUTE_RUNNER, recompute_runners
from inventory.models import CostingMethod, DocumentType, InventorySettings, MoveCost, StockMove
from inventory.models.costing import CostRecompute, RecomputeStatus
from inventory.selectors.recompute import active_recompute
from inventory.services.documents import process_document
from inventory.services.recompute import fail_interrupted, queue_recompute, run_recompute
from inventory.services.settings import change_costing_method
from inventory.tasks import recompute_costs
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document, running_recompute

pytestmark = pytest.mark.django_db

D = Decimal


def method() -> str:
    return InventorySettings.current_costing_method()


def worked_example(user):
    """10 @ 100 and 10 @ 60 received, 15 sold: FIFO 1,300, average 1,200."""
    warehouse, product = WarehouseFactory(), ProductFactory()
    for price in (100, 60):
        receipt = make_document(DocumentType.RECEIPT, by=user, warehouse=warehouse, lines=[(product, 10, price)])
        process_document(receipt, by=user)
    sale = make_document(DocumentType.SALES_ORDER, by=user, warehouse=warehouse, lines=[(product, 15)])
    return process_document(sale, by=user)


def cogs(sale) -> Decimal:
    return -MoveCost.objects.get(move__document=sale).value


def queued_tasks() -> list:
    return list(DBTaskResult.objects.filter(task_path=recompute_costs.module_path).values_list("status", flat=True))


def test_the_service_queues_a_recompute_and_its_task(user):
    recompute = change_costing_method(by=user, method=CostingMethod.AVERAGE)
    assert (recompute.method, recompute.previous_method, recompute.status) == ("average", "fifo", "queued")
    assert recompute.requested_by == user
    assert queued_tasks() == [TaskResultStatus.READY]
    assert method() == CostingMethod.FIFO  # not before the recompute has run


@pytest.mark.parametrize("role", [STAFF, CLERK])
def test_the_service_needs_the_settings_right(role):
    with pytest.raises(PermissionDenied):
        change_costing_method(by=UserFactory(roles=[role]), method=CostingMethod.AVERAGE)
    assert not CostRecompute.objects.exists() and not queued_tasks()


@pytest.mark.parametrize(("chosen", "text"), [("lifo", "Choose FIFO"), ("fifo", "costing method already")])
def test_the_service_refuses_an_unknown_or_the_current_method(user, chosen, text):
    with pytest.raises(ValidationError) as refused:
        change_costing_method(by=user, method=chosen)
    assert text in str(refused.value.error_dict["method"])
    assert not CostRecompute.objects.exists()


@pytest.mark.parametrize("status", [RecomputeStatus.QUEUED, RecomputeStatus.RUNNING])
def test_the_service_refuses_while_a_recompute_is_queued_or_running(user, status):
    if status == RecomputeStatus.RUNNING:
        running_recompute()
    else:
        CostRecompute.objects.create(method="average", previous_method="fifo", status=status)
    with pytest.raises(ValidationError, match="being recomputed already"):
        change_costing_method(by=user, method=CostingMethod.AVERAGE)
    assert CostRecompute.objects.count() == 1 and not queued_tasks()


def test_a_finished_recompute_does_not_block_the_next(user):
    CostRecompute.objects.create(method="average", previous_method="fifo", status=RecomputeStatus.DONE)
    CostRecompute.objects.create(method="average", previous_method="fifo", status=RecomputeStatus.FAILED)
    assert change_costing_method(by=user, method=CostingMethod.AVERAGE).status == RecomputeStatus.QUEUED


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_the_worker_runs_the_recompute_to_the_end():
    admin = UserFactory(roles=[ADMINISTRATOR])
    sale = worked_example(admin)
    assert cogs(sale) == D("1300.00")
    recompute = change_costing_method(by=admin, method=CostingMethod.AVERAGE)

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    recompute.refresh_from_db()
    total = StockMove.objects.count()
    assert (recompute.status, recompute.moves_done, recompute.moves_total) == ("done", total, total)
    assert recompute.percent == 100 and recompute.started_at <= recompute.finished_at
    assert method() == CostingMethod.AVERAGE and cogs(sale) == D("1200.00")
    assert queued_tasks() == [TaskResultStatus.SUCCESSFUL]


def test_a_failed_recompute_says_why_and_changes_nothing(user):
    sale = worked_example(user)
    recompute = queue_recompute(CostingMethod.AVERAGE, by=user)
    with (
        mock.patch("inventory.services.recompute._swap", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        run_recompute(recompute.pk)
    recompute.refresh_from_db()
    assert (recompute.status, recompute.error) == ("failed", "disk full")
    assert method() == CostingMethod.FIFO and cogs(sale) == D("1300.00")
    with pytest.raises(ValidationError, match="has run already"):
        run_recompute(recompute.pk)


KEEP_THE_LOCK = """
import sys, time, psycopg
connection = psycopg.connect(sys.argv[1], autocommit=True)
connection.execute("SELECT pg_advisory_lock(%s::int, %s::int)", [int(sys.argv[2]), int(sys.argv[3])])
print("held", flush=True)
time.sleep(600)
"""


def test_a_recompute_whose_runner_was_killed_fails_and_no_longer_blocks(user):
    """The runner's process is killed (SIGKILL, nothing of it runs) in the middle: the recompute
    it was running, shown as running, is marked failed at the next look, and the method can be
    chosen again."""
    recompute = CostRecompute.objects.create(method="average", previous_method="fifo", status=RecomputeStatus.RUNNING)
    db = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
    )
    runner = subprocess.Popen(
        [sys.executable, "-c", KEEP_THE_LOCK, dsn, str(RECOMPUTE_RUNNER), str(recompute.pk)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert runner.stdout.readline().strip() == "held"
        assert fail_interrupted() == 0 and active_recompute() == recompute  # alive: still running
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait()
    for _ in range(100):  # the server ends the killed client's session when it sees it gone
        if active_recompute() is None:
            break
        time.sleep(0.05)
    assert active_recompute() is None  # no banner for it
    assert fail_interrupted() == 1
    recompute.refresh_from_db()
    assert recompute.status == RecomputeStatus.FAILED and recompute.error.startswith("Interrupted")
    assert recompute.finished_at is not None and method() == CostingMethod.FIFO
    assert change_costing_method(by=user, method=CostingMethod.AVERAGE).status == RecomputeStatus.QUEUED


def test_a_run_holds_its_runner_lock_only_while_it_runs(user):
    worked_example(user)
    recompute = queue_recompute(CostingMethod.AVERAGE, by=user)
    seen = []
    run_recompute(recompute.pk, progress=lambda done, total: seen.append(recompute_runners([recompute.pk])))
    assert seen and all(held == {recompute.pk} for held in seen)
    assert recompute_runners([recompute.pk]) == set()
    assert fail_interrupted() == 0


def test_the_command_recomputes_here_and_now(user):
    sale = worked_example(user)
    out = StringIO()
    call_command("recompute_costs", "--method", "average", stdout=out)
    assert method() == CostingMethod.AVERAGE and cogs(sale) == D("1200.00")
    assert "3 movements recomputed under moving average" in out.getvalue()
    recompute = CostRecompute.objects.get()
    assert (recompute.status, recompute.moves_done, recompute.requested_by) == ("done", 3, None)

    call_command("recompute_costs", stdout=StringIO())  # the current method: an upgrade's rebuild
    assert method() == CostingMethod.AVERAGE and cogs(sale) == D("1200.00")


def test_the_command_refuses_while_a_recompute_runs():
    running_recompute()
    with pytest.raises(CommandError, match="being recomputed already"):
        call_command("recompute_costs", "--method", "fifo")
    with pytest.raises(CommandError):
        call_command("recompute_costs", "--method", "lifo")
