"""Reading an uploaded spreadsheet row by row, in bounded memory: the csv module over the
file's text (UTF-8, with or without a BOM; comma, semicolon or tab), openpyxl in read-only
mode for XLSX. Every cell comes out as text, stripped; blank rows are skipped."""

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from imports.models import ImportFormat
from reports.services.exports import FORMULA_STARTS

SNIFF_BYTES = 64 * 1024
DELIMITERS = (";", ",", "\t")
MAX_CELL = 10_000  # characters in a cell: more is not a spreadsheet of products or clients


class ImportFileError(ValueError):
    """The file is not a spreadsheet that can be read (the message says why, for the user)."""


def file_format(content: bytes) -> str:
    """CSV or XLSX, from what the file holds (not from its name); anything else is refused."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return ImportFormat.XLSX
    head = content[:SNIFF_BYTES]
    if b"\x00" in head:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the end of the sample
            raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8” or as XLSX.")) from error
    return ImportFormat.CSV


def read_rows(content: bytes, fmt: str) -> Iterator[tuple[int, list[str]]]:
    """The file's non-blank rows (the heading row first), each with its number in the file
    (the first row is 1) and its cell texts."""
    rows = _xlsx_rows(content) if fmt == ImportFormat.XLSX else _csv_rows(content)
    for number, row in enumerate(rows, start=1):
        if any(row):
            yield number, row


def _delimiter(content: bytes) -> str:
    first_line = content[:SNIFF_BYTES].decode("utf-8-sig", errors="replace").splitlines()[0]
    return max(DELIMITERS, key=first_line.count)


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=_delimiter(content))
    try:
        for row in reader:
            if any("\x00" in cell for cell in row):
                raise ImportFileError(
                    _("Row %(row)s holds a NUL character: this is not a text file.") % {"row": reader.line_num}
                )
            yield [_cell(cell) for cell in row]
    except UnicodeDecodeError as error:
        raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8” or as XLSX.")) from error
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s of the file cannot be read as CSV.") % {"line": reader.line_num}
        ) from error


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("This XLSX file cannot be opened.")) from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(_xlsx_text(value)) for value in values]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("This XLSX file cannot be read.")) from error
    finally:
        book.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _cell(text: str) -> str:
    """A cell's text, stripped; the apostrophe an export puts before text that a spreadsheet
    would run as a formula is taken off again."""
    text = text.strip()
    if len(text) > MAX_CELL:
        raise ImportFileError(_("A cell holds more than %(limit)s characters.") % {"limit": MAX_CELL})
    if text.startswith("'") and text[1:2].startswith(FORMULA_STARTS) and text[1:2]:
        return text[1:]
    return text
