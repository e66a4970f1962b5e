"""An import from upload to result: upload (the columns matched by their headings), the
matching adjusted, the preview (every row decided, nothing written), the run in the
background (`imports.tasks.run_import_job`), the failed rows as a file.

A run is one transaction: a failure in the middle leaves none of its rows applied. Rows that
fail their checks are left out and listed (with the reason) in the errors file, which can be
fixed and uploaded again. Runs of imports of the same kind take turns (`lock_imports`), so two
at once never create a product twice. The file is read in batches of `BATCH` rows, each read
and written with a constant number of queries; the progress is written on a connection of
its own, so the page sees it while the run's transaction is still open.
"""

import csv
import io
from collections.abc import Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.permissions import Actor, acting_user
from config.database import plan_each_statement
from imports.access import require_import
from imports.columns import Column, match_columns
from imports.files import ImportFileError, file_format, read_rows
from imports.models import MATCHES, ImportFormat, ImportJob, ImportKind, ImportMode, ImportStatus
from imports.services.balances import BalanceImporter, balance_columns
from imports.services.crm import CompanyImporter, ContactImporter, company_columns, contact_columns
from imports.services.products import ProductImporter, product_columns
from imports.services.rows import RowResult
from inventory.locks import IMPORT_RUNNER, hold_runner, release_runner, runners
from reports.services.exports import escape_text

BATCH = 2000
SAMPLE_ROWS = 20
CONTENT_TYPES: dict[str, str] = {
    ImportFormat.CSV: "text/csv; charset=utf-8",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


Importer = ProductImporter | BalanceImporter | CompanyImporter | ContactImporter
COLUMNS = {
    ImportKind.PRODUCTS: product_columns,
    ImportKind.BALANCES: balance_columns,
    ImportKind.COMPANIES: company_columns,
    ImportKind.CONTACTS: contact_columns,
}
IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.PRODUCTS: ProductImporter,
    ImportKind.BALANCES: BalanceImporter,
    ImportKind.COMPANIES: CompanyImporter,
    ImportKind.CONTACTS: ContactImporter,
}


def columns_for(user: Actor, kind: str) -> list[Column]:
    """The columns an import of `kind` reads for this user."""
    return COLUMNS[ImportKind(kind)](user)


def importer_for(job: ImportJob) -> Importer:
    return IMPORTERS[job.kind](
        user=job.user, mode=job.mode, match_by=job.match_by, mapping=job.mapping, filename=job.filename
    )


def _choice(value: str, choices, name: str) -> str:
    if value not in choices:
        raise ValidationError({name: _("Choose one of the options.")})
    return value


@transaction.atomic
def upload_import(*, by: Actor, kind: str, mode: str, match_by: str, filename: str, content: bytes) -> ImportJob:
    """Keep an uploaded file as an import of `kind`, its columns matched by their headings,
    and preview it. A file that is not a readable spreadsheet, or has no row below its
    heading row, is refused."""
    require_import(by, kind)
    _choice(mode, ImportMode.values, "mode")
    _choice(match_by, MATCHES[ImportKind(kind)], "match_by")
    try:
        fmt = file_format(content)
        rows = read_rows(content, fmt)
        first, second = next(rows, None), next(rows, None)
    except ImportFileError as error:
        raise ValidationError({"file": str(error)}) from error
    if first is None or second is None:
        raise ValidationError({"file": _("The file has no rows below its heading row.")})
    headers = first[1]
    job = ImportJob.objects.create(
        user=acting_user(by),
        kind=kind,
        mode=mode,
        match_by=match_by,
        format=fmt,
        filename=filename[:255],
        content=content,
        headers=headers,
        mapping=match_columns(headers, columns_for(by, kind)),
    )
    return preview_import(job)


@transaction.atomic
def set_matching(job: ImportJob, *, by: Actor, mapping: Sequence[str], mode: str, match_by: str) -> ImportJob:
    """Change which field each column fills ("" leaves a column out), the mode and what rows
    are matched by, and preview again. Only before the import runs."""
    _own(job, by)
    if job.status != ImportStatus.UPLOADED:
        raise ValidationError(_("This import has run already: upload the file again to change it."))
    keys = {column.key for column in columns_for(by, job.kind)}
    mapping = list(mapping)
    if len(mapping) != len(job.headers) or any(key and key not in keys for key in mapping):
        raise ValidationError({"mapping": _("Choose a field for each column, or leave the column out.")})
    chosen = [key for key in mapping if key]
    if len(chosen) != len(set(chosen)):
        raise ValidationError({"mapping": _("Two columns are matched to the same field.")})
    job.mapping = mapping
    job.mode = _choice(mode, ImportMode.values, "mode")
    job.match_by = _choice(match_by, MATCHES[ImportKind(job.kind)], "match_by")
    return preview_import(job)


def missing_columns(job: ImportJob) -> list[Column]:
    """The columns the import needs that no column of the file is matched to."""
    return importer_for(job).missing_required()


def preview_import(job: ImportJob) -> ImportJob:
    """Decide every row of the file without writing anything: the counts, the failed rows, the
    first rows as they would be imported."""
    importer = importer_for(job)
    counts = {outcome: 0 for outcome in (RowResult.NEW, RowResult.UPDATED, RowResult.UNCHANGED, RowResult.FAILED)}
    failures: list[dict] = []
    sample: list[dict] = []
    if not importer.missing_required():
        for batch in _batches(job):
            results = importer.plan(batch)
            _count(results, counts, failures)
            sample += [_described(r) for r in results[: SAMPLE_ROWS - len(sample)]]
    job.rows_total = sum(counts.values())
    job.created, job.updated = counts[RowResult.NEW], counts[RowResult.UPDATED]
    job.unchanged, job.failed = counts[RowResult.UNCHANGED], counts[RowResult.FAILED]
    job.failures, job.sample = failures, sample
    job.save()
    return job


@transaction.atomic
def queue_import(job: ImportJob, *, by: Actor) -> ImportJob:
    """Run the import in the background (once: a second click finds it queued)."""
    from imports.tasks import run_import_job

    _own(job, by)
    require_import(by, job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.UPLOADED:
        return job
    if missing_columns(job):
        raise ValidationError(_("Match a column of the file to each required field first."))
    job.status, job.rows_done = ImportStatus.QUEUED, 0
    job.save(update_fields=["status", "rows_done"])
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def run_import(job_id: int) -> ImportJob:
    """Run a queued import, all its rows in one transaction; its progress (rows done) is
    written as it goes. It ends done with the counts, or failed with nothing applied (the
    error is recorded and raised again)."""
    hold_runner(IMPORT_RUNNER, job_id)  # before it shows as running (see `fail_interrupted`)
    try:
        return _run(job_id)
    finally:
        release_runner(IMPORT_RUNNER, job_id)


def fail_interrupted(job: ImportJob) -> ImportJob:
    """An import shown as running whose runner is gone (its worker was killed) is failed: its
    transaction ended with the worker, so nothing of it was applied."""
    if job.status == ImportStatus.RUNNING and not runners(IMPORT_RUNNER, [job.pk]):
        message = gettext_noop("The background worker stopped during the run.")
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def _run(job_id: int) -> ImportJob:
    jobs = ImportJob.objects.filter(pk=job_id)
    if not jobs.filter(status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING, rows_done=0):
        return jobs.get()
    job = jobs.select_related("user").get()
    progress = _ProgressWriter(job.pk)
    counts = {outcome: 0 for outcome in (RowResult.NEW, RowResult.UPDATED, RowResult.UNCHANGED, RowResult.FAILED)}
    failures: list[dict] = []
    try:
        with transaction.atomic():
            # The run's tables grow under its own statements: a plan the server cached for a
            # prepared statement while they were small turned the batches' lookups into scans of
            # everything written so far (100,000 rows: 65 s instead of 26 s).
            plan_each_statement()
            importer = importer_for(job)
            importer.start()
            done = 0
            for batch in _batches(job):
                results = importer.plan(batch)
                importer.apply(results)
                _count(results, counts, failures)
                done += len(batch)
                progress(done)
            job.documents.set(importer.finish())
    except Exception as error:  # recorded for the user (and raised again, for the worker's log)
        jobs.update(
            status=ImportStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            created=0,
            updated=0,
            unchanged=0,
        )
        raise
    finally:
        progress.close()
    jobs.update(
        status=ImportStatus.DONE,
        rows_done=sum(counts.values()),
        rows_total=sum(counts.values()),
        created=counts[RowResult.NEW],
        updated=counts[RowResult.UPDATED],
        unchanged=counts[RowResult.UNCHANGED],
        failed=counts[RowResult.FAILED],
        failures=failures,
        finished_at=timezone.now(),
    )
    return jobs.get()


def forget_old_imports(*, older_than) -> int:
    """Delete the imports (and their files) finished, or uploaded and never run, longer ago
    than `older_than` (a timedelta); returns how many."""
    since = timezone.now() - older_than
    old = ImportJob.objects.filter(Q(finished_at__lt=since) | Q(status=ImportStatus.UPLOADED, created_at__lt=since))
    deleted, _by_model = old.delete()
    return deleted


def _own(job: ImportJob, by: Actor) -> None:
    if job.user_id != acting_user(by).pk:
        raise ValidationError(_("This is not your import."))


def _batches(job: ImportJob) -> Iterator[list[tuple[int, list[str]]]]:
    rows = read_rows(bytes(job.content), job.format)
    next(rows, None)  # the headings
    batch: list[tuple[int, list[str]]] = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                yield batch
                batch = []
    except ImportFileError as error:
        raise ValidationError(str(error)) from error
    if batch:
        yield batch


def _count(results: Sequence[RowResult], counts: dict[str, int], failures: list[dict]) -> None:
    for result in results:
        counts[result.outcome] += 1
        if result.outcome == RowResult.FAILED:
            failures.append(_described(result))


def _described(result: RowResult) -> dict:
    """A row as kept on the job (JSON): its number, cells, outcome and errors."""
    return {"line": result.line, "cells": result.cells, "outcome": result.outcome, "errors": result.errors}


class _ProgressWriter:
    """Writes a run's rows done on a connection of its own (committed at once: the run's own
    transaction is open until the end)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s", [done, self.job_id])

    def close(self) -> None:
        self.connection.close()


# --- the errors file ------------------------------------------------------------------------


def error_text(job: ImportJob, errors: dict[str, list[str]]) -> str:
    """A failed row's errors in one cell: "Column: message" each."""
    titles = {column.key: column.title() for column in columns_for(job.user, job.kind)}
    parts = []
    for key, messages in errors.items():
        for message in messages:
            parts.append(f"{titles[key]}: {message}" if key in titles else message)
    return "; ".join(parts)


def errors_file(job: ImportJob) -> tuple[bytes, str]:
    """The failed rows as a file in the format uploaded: the file's columns and an error
    column. Fixed and uploaded again, the error column is left out by the matching."""
    headings = [*job.headers, _("Error")]
    rows = [
        [*failure["cells"], *[""] * (len(job.headers) - len(failure["cells"])), error_text(job, failure["errors"])]
        for failure in job.failures
    ]
    return write_table(headings, rows, job.format), f"{job.filename.rsplit('.', 1)[0]}-errors.{job.format}"


def write_table(headings: Sequence[str], rows: Sequence[Sequence[str]], fmt: str) -> bytes:
    """A heading row and rows of text as CSV (UTF-8 with a BOM, for Excel) or XLSX (text cells)."""
    if fmt == ImportFormat.CSV:
        text = io.StringIO()
        writer = csv.writer(text)
        for row in [headings, *rows]:
            writer.writerow([escape_text(str(value)) for value in row])
        return ("\ufeff" + text.getvalue()).encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [headings, *rows]:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    file = io.BytesIO()
    book.save(file)
    return file.getvalue()
