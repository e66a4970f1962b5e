"""Files to import, built as a user's spreadsheet program would save them."""

import csv
import io

from openpyxl import Workbook

from imports.models import ImportJob, ImportStatus
from imports.services.jobs import queue_import, run_import, upload_import


def csv_bytes(rows, *, delimiter=",", bom=False) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + text.getvalue()).encode()


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    file = io.BytesIO()
    book.save(file)
    return file.getvalue()


def upload(user, content: bytes, *, mode="upsert", match_by="sku", filename="products.csv") -> ImportJob:
    return upload_import(by=user, kind="products", mode=mode, match_by=match_by, filename=filename, content=content)


def run(user, job: ImportJob) -> ImportJob:
    """Queue the import and run it here, as the worker would."""
    queue_import(job, by=user)
    return run_import(job.pk)


def imported(user, content: bytes, **kwargs) -> ImportJob:
    job = run(user, upload(user, content, **kwargs))
    assert job.status == ImportStatus.DONE, job.error
    return job
