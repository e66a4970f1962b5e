"""Exports: formula cells escaped in CSV and XLSX, numbers as numbers, a large export made in the
background with its progress page and download, someone else's export not found."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from accounts.catalogue import ADMINISTRATOR
from inventory.models import MinimumStock
from inventory.services.documents import process_document
from reports.models import ExportJob, ExportStatus
from reports.services import exports
from reports.services.exports import escape_text, run_export
from reports.tasks import export_report
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.stock_helpers import make_document

pytestmark = pytest.mark.django_db
URL = reverse("reports:low_stock")
NASTY = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.fixture
def lows():
    warehouse = WarehouseFactory(name="Gudang")
    for n, name in enumerate(NASTY):
        MinimumStock.objects.create(
            product=ProductFactory(name=name, sku=f"N-{n}"), warehouse=warehouse, quantity=n + 1
        )
    return warehouse


def in_xlsx(text: str) -> str:
    """What a spreadsheet reads back of `text` (XML keeps no carriage return)."""
    return text.replace("\r", "\n")


def test_escape_text():
    assert [escape_text(text) for text in NASTY] == ["'" + text for text in NASTY]
    assert escape_text("Kopi = enak") == "Kopi = enak"


def test_csv_escapes_formulas_and_writes_plain_numbers(client_logged_in, lows):
    response = client_logged_in.get(URL, {"format": "csv", "sort": "sku"})
    assert response["Content-Disposition"].startswith('attachment; filename="low_stock-')
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:2] == ["Product", "SKU"]
    assert [line[0] for line in lines[1:]] == ["'" + name for name in NASTY]
    assert [line[-1] for line in lines[1:]] == [f"{n + 1}.000" for n in range(len(NASTY))]  # to order


def test_xlsx_cells_are_text_or_numbers_never_formulas(client_logged_in, lows):
    response = client_logged_in.get(URL, {"format": "xlsx", "sort": "sku"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == [in_xlsx("'" + name) for name in NASTY]
    assert all(row[0].data_type == "s" for row in rows)
    assert [row[-1].value for row in rows] == list(range(1, len(NASTY) + 1))
    assert all(row[-1].data_type == "n" for row in rows)


def test_an_unknown_format_is_a_clear_400(client_logged_in, lows):
    response = client_logged_in.get(URL, {"format": "pdf"})
    assert response.status_code == 400
    assert "choose CSV or XLSX" in response.content.decode()


def test_a_large_export_runs_in_the_background(client_logged_in, lows, settings, user):
    settings.GUDANG_EXPORT_INLINE_ROWS = 3
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("reports.services.exports.PROGRESS_EVERY", 2)
        response = client_logged_in.get(URL, {"format": "xlsx", "sort": "sku"})
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("reports:export_job", args=[job.pk])
        assert (job.user, job.status, job.format) == (user, ExportStatus.QUEUED, "xlsx")
        assert "format" not in job.query and "sort=sku" in job.query
        # Queued for the worker once the request's transaction commits.
        assert DBTaskResult.objects.filter(task_path=export_report.module_path).count() in (0, 1)

        page = client_logged_in.get(response["Location"])
        assert 'hx-trigger="every 1s"' in page.content.decode()
        run_export(job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.percent) == (ExportStatus.DONE, 6, 6, 100)
    partial = client_logged_in.get(reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in partial.content.decode() and 'id="export-download"' in partial.content.decode()
    download = client_logged_in.get(reverse("reports:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [in_xlsx("'" + name) for name in NASTY]


def test_someone_elses_export_is_not_found(client, lows, user):
    job = ExportJob.objects.create(user=user, report="low_stock", format="csv", status=ExportStatus.DONE, content=b"x")
    other = UserFactory(username="other-admin", roles=[ADMINISTRATOR])
    client.force_login(other)
    assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


def test_a_failed_export_is_recorded(user):
    job = ExportJob.objects.create(user=user, report="low_stock", format="csv", query="warehouse=abc")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(exports.WRITERS, "csv", lambda *args, **kwargs: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            run_export(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.finished_at is not None


def test_money_is_a_number(client_logged_in, user):
    warehouse = WarehouseFactory()
    product = ProductFactory(name="Kopi")

    process_document(make_document("receipt", by=user, warehouse=warehouse, lines=[(product, 3, "1250.50")]), by=user)
    response = client_logged_in.get(reverse("reports:stock"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.values)[:2]
    value = row[header.index("Value")]
    assert isinstance(value, int | float) and Decimal(str(value)) == Decimal("3751.50")
    assert sheet.cell(row=2, column=header.index("Value") + 1).number_format == "#,##0.00"
