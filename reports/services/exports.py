"""Reports as files: CSV and XLSX of exactly the rows and columns a report page shows.

Small exports stream while the user waits; one of more than `GUDANG_EXPORT_INLINE_ROWS` rows
(~50,000) runs as a background job (`reports.tasks.export_report`) whose page shows its
progress and, when done, the download.

Numbers are written as numbers (money with two decimals, never formatted text). A text cell
that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage
return) is written with a leading apostrophe, so opening an export never runs what a user typed.
"""

import csv
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.models import ExportFormat, ExportJob, ExportStatus

if TYPE_CHECKING:
    from reports.views.base import Column, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
PROGRESS_EVERY = 5000
NUMBER_FORMATS = {"quantity": "#,##0.###", "money": "#,##0.00", "percent": "0.0", "month": "yyyy-mm"}
CONTENT_TYPES: dict[str, str] = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_text(text: str) -> str:
    """`text` as a cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain(value):
    """A cell's value as written: numbers stay numbers, dates ISO dates, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | int | float):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return escape_text(str(value))


def csv_cell(value) -> str:
    """A plain value as CSV text: a plain number (a point for decimals), an ISO date."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def export_rows(report: "Report") -> Iterator[list]:
    """The report's rows in its page's order, each a list of its columns' plain values."""
    columns = report.columns()
    rows = report.sorted_rows()
    rows = rows.iterator(chunk_size=CHUNK) if hasattr(rows, "iterator") else iter(rows)
    for row in rows:
        yield [plain(column.value(row)) for column in columns]


def row_count(rows) -> int:
    """How many rows a report has: its queryset's count, or the length of its list (a report
    whose rows are built in Python)."""
    return len(rows) if isinstance(rows, list) else rows.count()


def headings(columns: list["Column"]) -> list[str]:
    return [str(column.label) for column in columns]


class _Echo:
    def write(self, value):
        return value


def csv_lines(report: "Report") -> Iterator[str]:
    """The CSV of the report, line by line (a heading line first)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headings(report.columns()))  # the BOM: Excel reads it as UTF-8
    for values in export_rows(report):
        yield writer.writerow([csv_cell(value) for value in values])


def write_xlsx(report: "Report", file, *, progress=None) -> int:
    """Write the XLSX of the report into `file` (a write-only workbook: memory stays bounded);
    `progress(rows)` is called every few thousand rows. Returns the rows written."""
    columns = report.columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(report.title)[:31])
    sheet.append(headings(columns))
    written = 0
    for values in export_rows(report):
        row = []
        for column, value in zip(columns, values, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        sheet.append(row)
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    book.save(file)
    return written


def write_csv(report: "Report", file, *, progress=None) -> int:
    written = -1
    for written, line in enumerate(csv_lines(report)):
        file.write(line.encode())
        if progress and written and written % PROGRESS_EVERY == 0:
            progress(written)
    return max(written, 0)


WRITERS: dict[str, Callable[..., int]] = {ExportFormat.CSV: write_csv, ExportFormat.XLSX: write_xlsx}


def filename(report: "Report", fmt: str) -> str:
    return f"{report.export_name()}-{timezone.localdate().isoformat()}.{fmt}"


def export_response(request: HttpRequest, report: "Report") -> HttpResponseBase:
    """`?format=csv|xlsx`: the file, streamed; more than `GUDANG_EXPORT_INLINE_ROWS` rows: a
    background job, and a redirect to its page. An unknown format: 400."""
    fmt = request.GET.get("format", "")
    if fmt not in ExportFormat.values:
        return HttpResponse(_("Unknown export format: choose CSV or XLSX."), status=400, content_type="text/plain")
    if row_count(report.rows()) > settings.GUDANG_EXPORT_INLINE_ROWS:
        job = queue_export(request.user, report, fmt)
        return redirect("reports:export_job", job.pk)
    name = filename(report, fmt)
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(csv_lines(report), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    file = tempfile.TemporaryFile()
    write_xlsx(report, file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])


def export_query(report: "Report") -> str:
    query = report.data.copy()
    for key in ("format", "page"):
        query.pop(key, None)
    return query.urlencode()


def queue_export(user, report: "Report", fmt: str) -> ExportJob:
    """Queue a background export of `report` (its filters and sorting) as `fmt` for `user`."""
    from reports.tasks import export_report

    job = ExportJob.objects.create(
        user=user, report=report.name, query=export_query(report), format=fmt, filename=filename(report, fmt)
    )
    transaction.on_commit(lambda: export_report.enqueue(job.pk))
    return job


def run_export(job_id: int) -> ExportJob:
    """Make the file of a queued export (the report rebuilt for its user from its filters),
    recording its progress; a failure is recorded on the job, not raised."""
    from django.http import QueryDict

    from reports.views import REPORTS

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job
    report = REPORTS[job.report](job.user, QueryDict(job.query))
    job.status, job.rows_total = ExportStatus.RUNNING, row_count(report.rows())
    job.save(update_fields=["status", "rows_total"])

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=rows)

    try:
        with tempfile.TemporaryFile() as file:
            job.rows_done = WRITERS[job.format](report, file, progress=progress)
            file.seek(0)
            job.content = file.read()
        job.status = ExportStatus.DONE
    except Exception as error:  # recorded for the user, and in the worker's log
        job.status, job.error = ExportStatus.FAILED, str(error)
        raise
    finally:
        job.finished_at = timezone.now()
        job.save()
    return job


def forget_old_exports(*, older_than) -> int:
    """Delete the finished exports older than `older_than` (a timedelta); returns how many."""
    deleted, _by_model = ExportJob.objects.filter(finished_at__lt=timezone.now() - older_than).delete()
    return deleted
