"""Two imports of the same products at once create each product once."""

import pytest

from imports.models import ImportJob, ImportStatus
from imports.services.jobs import queue_import, run_import
from inventory.models import Barcode, Product
from tests.concurrency import run_together
from tests.imports.helpers import csv_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_imports_of_the_same_products_at_once(user):
    rows = [["SKU", "Name", "Barcodes"]] + [[f"S-{i}", f"Product {i}", f"B-{i}"] for i in range(300)]
    first, second = (upload(user, csv_bytes(rows)) for _ in range(2))
    for job in (first, second):
        queue_import(job, by=user)
    results = run_together([lambda: run_import(first.pk), lambda: run_import(second.pk)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Product.objects.count() == 300 and Barcode.objects.count() == 300
    done = sorted((job.created, job.unchanged) for job in ImportJob.objects.all())
    assert done == [(0, 300), (300, 0)]
    assert {job.status for job in ImportJob.objects.all()} == {ImportStatus.DONE}


def test_two_inserts_at_once_fail_the_second_ones_rows(user):
    rows = [["SKU", "Name"]] + [[f"S-{i}", f"Product {i}"] for i in range(50)]
    first, second = (upload(user, csv_bytes(rows), mode="insert") for _ in range(2))
    for job in (first, second):
        queue_import(job, by=user)
    results = run_together([lambda: run_import(first.pk), lambda: run_import(second.pk)])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Product.objects.count() == 50
    assert sorted((job.created, job.failed) for job in ImportJob.objects.all()) == [(0, 50), (50, 0)]
