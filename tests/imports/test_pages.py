"""The import pages: upload, matching and preview, run, progress, result, files; the menu."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from accounts.catalogue import CLERK, STAFF
from imports.models import ImportJob, ImportStatus
from imports.services.jobs import run_import
from imports.tasks import run_import_job
from inventory.models import Product
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes, xlsx_bytes
from web.menu import menu_for

pytestmark = pytest.mark.django_db


def post_file(client, content: bytes, name="products.xlsx", **data):
    file = SimpleUploadedFile(name, content)
    return client.post(reverse("imports:products"), {"file": file, "mode": "upsert", "match_by": "sku", **data})


def test_upload_preview_adjust_run_and_result(client_logged_in, django_capture_on_commit_callbacks):
    content = xlsx_bytes([["Kode", "Deskripsi", "Harga jual"], ["KOPI-1", "Kopi", "15000"], ["TEH-1", "Teh", "x"]])
    response = post_file(client_logged_in, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    page = client_logged_in.get(response["Location"]).content.decode()
    assert 'id="import-preview"' in page and "is not a number" in page

    data = {"mode": "upsert", "match_by": "sku", "column_0": "sku", "column_1": "name", "column_2": "selling_price"}
    response = client_logged_in.post(reverse("imports:job", args=[job.pk]), data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.mapping, job.created, job.failed) == (["sku", "name", "selling_price"], 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_logged_in.post(reverse("imports:job_run", args=[job.pk]))
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(task_path=run_import_job.module_path).count() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    page = client_logged_in.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page

    run_import(job.pk)
    partial = client_logged_in.get(reverse("imports:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and 'id="import-done"' in partial and 'id="import-errors"' in partial
    assert Product.objects.get(sku="KOPI-1").selling_price == 15000
    errors = client_logged_in.get(reverse("imports:job_errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(errors.content)).active.values)
    assert rows[1][0] == "TEH-1" and "not a number" in rows[1][-1]
    # once run, the matching cannot be changed
    client_logged_in.post(reverse("imports:job", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_a_second_run_click_queues_once(client_logged_in):
    post_file(client_logged_in, csv_bytes([["SKU", "Name"], ["A", "B"]]), name="a.csv")
    job = ImportJob.objects.get()
    for _ in range(2):
        client_logged_in.post(reverse("imports:job_run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty"),
        (b"%PDF-1.4\x00\x00\x00", "not a CSV or XLSX"),
        (b"PK\x03\x04garbage", "cannot be opened"),
    ],
)
def test_garbage_files_get_a_message_and_nothing_is_kept(client_logged_in, content, message):
    response = post_file(client_logged_in, content, name="x.xlsx")
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_template_and_an_unknown_format(client_logged_in):
    response = client_logged_in.get(reverse("imports:products_template"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("SKU", "Name") and rows[1][0] == "KOPI-250"
    assert client_logged_in.get(reverse("imports:products_template"), {"format": "pdf"}).status_code == 400
    csv_file = client_logged_in.get(reverse("imports:products_export"), {"format": "csv"})
    assert csv_file.content.startswith("\ufeffSKU,Name".encode())


def test_someone_elses_import_is_not_found(client, user):
    client.force_login(user)
    post_file(client, csv_bytes([["SKU", "Name"], ["A", "B"]]), name="a.csv")
    job = ImportJob.objects.get()
    client.force_login(UserFactory(username="other-clerk", roles=[CLERK]))
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:job_run", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:job_errors", args=[job.pk])).status_code == 404


def test_the_menu_offers_imports_only_to_those_who_may(user):
    stock = [("products", "Products"), ("balances", "Opening balances")]
    crm = [("companies", "Companies"), ("contacts", "Contacts")]
    assert menu_for(user)["imports"] == stock + crm
    assert menu_for(UserFactory(username="clerk-m", roles=[CLERK]))["imports"] == stock
    assert menu_for(UserFactory(username="staff-m", roles=[STAFF]))["imports"] == stock[1:] + crm
    assert menu_for(UserFactory(username="nobody"))["imports"] == []


def test_the_sidebar_links_the_import(client_logged_in):
    page = client_logged_in.get(reverse("imports:products")).content.decode()
    assert f'href="{reverse("imports:products")}"' in page and "Upload and preview" in page


@pytest.mark.parametrize(
    "kind, match_by, rows",
    [
        ("balances", "sku", [["SKU", "Warehouse", "Quantity"], ["NOPE", "JKT", "1"]]),
        ("companies", "tax_id", [["Name", "Tax ID"], ["PT Baru", "09.999"]]),
        ("contacts", "email", [["First name", "E-mail"], ["Ani", "ani@example.com"]]),
    ],
)
def test_each_kind_uploads_and_previews(client_logged_in, kind, match_by, rows):
    file = SimpleUploadedFile("k.csv", csv_bytes(rows))
    data = {"file": file, "mode": "upsert", "match_by": match_by}
    response = client_logged_in.post(reverse(f"imports:{kind}"), data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.kind, job.match_by) == (kind, match_by)
    page = client_logged_in.get(reverse("imports:job", args=[job.pk]))
    assert page.status_code == 200 and 'id="import-preview"' in page.content.decode()
    template = client_logged_in.get(reverse(f"imports:{kind}_template"), {"format": "csv"})
    assert template.status_code == 200 and template.content.startswith("\ufeff".encode() + rows[0][0].encode())


def test_a_run_whose_worker_died_shows_as_failed(client_logged_in, user):
    post_file(client_logged_in, csv_bytes([["SKU", "Name"], ["A", "B"]]), name="a.csv")
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)  # its worker was killed mid-run
    page = client_logged_in.get(reverse("imports:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "nothing of it was applied" in page and "hx-trigger" not in page
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None


def test_a_running_import_holds_its_runner(user, monkeypatch):
    from imports.services import jobs
    from imports.services.products import ProductImporter
    from inventory.locks import IMPORT_RUNNER, runners

    post = jobs.upload_import(
        by=user,
        kind="products",
        mode="upsert",
        match_by="sku",
        filename="a.csv",
        content=csv_bytes([["SKU", "Name"], ["A", "B"]]),
    )
    jobs.queue_import(post, by=user)
    seen = []
    original = ProductImporter.apply

    def watching(self, results):
        seen.append(
            (runners(IMPORT_RUNNER, [post.pk]), jobs.fail_interrupted(ImportJob.objects.get(pk=post.pk)).status)
        )
        return original(self, results)

    monkeypatch.setattr(ProductImporter, "apply", watching)
    assert run_import(post.pk).status == ImportStatus.DONE
    assert seen == [({post.pk}, ImportStatus.RUNNING)]
    assert runners(IMPORT_RUNNER, [post.pk]) == set()
