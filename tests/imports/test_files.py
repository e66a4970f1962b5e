"""Reading CSV and XLSX files: encodings, delimiters, garbage."""

import io
import zipfile

import pytest

from imports.files import ImportFileError, file_format, read_rows
from tests.imports.helpers import csv_bytes, xlsx_bytes


def rows_of(content: bytes) -> list[list[str]]:
    return [row for _number, row in read_rows(content, file_format(content))]


def test_a_csv_with_a_bom_and_semicolons():
    content = csv_bytes([["SKU", "Nama"], ["A-1", "Kopi; bubuk"]], delimiter=";", bom=True)
    assert b'"Kopi; bubuk"' in content
    assert rows_of(content) == [["SKU", "Nama"], ["A-1", "Kopi; bubuk"]]


def test_commas_and_tabs_are_found_too():
    assert rows_of(csv_bytes([["a", "b"], ["1", "2"]]))[1] == ["1", "2"]
    assert rows_of(csv_bytes([["a", "b"], ["1", "2"]], delimiter="\t"))[1] == ["1", "2"]


def test_blank_rows_are_skipped_and_numbers_kept():
    content = csv_bytes([["a"], [""], ["x"]])
    assert list(read_rows(content, "csv")) == [(1, ["a"]), (3, ["x"])]


def test_xlsx_cells_become_text():
    content = xlsx_bytes([["SKU", "Price", "Rate"], ["A-1", 1250, 12.5], [None, None, None], ["'=1+1", 3.0, None]])
    assert file_format(content) == "xlsx"
    assert rows_of(content) == [["SKU", "Price", "Rate"], ["A-1", "1250", "12.5"], ["=1+1", "3", ""]]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary", "not a CSV or XLSX"),
        (b"\xff\xfe\xfa\xfb" * 100, "not UTF-8"),
    ],
)
def test_garbage_is_refused_with_a_message(content, message):
    with pytest.raises(ImportFileError, match=message):
        rows_of(content)


def test_a_broken_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFileError, match="XLSX"):
        rows_of(buffer.getvalue())


def test_a_nul_byte_later_in_the_file_is_refused():
    content = csv_bytes([["a"]] + [["x"]] * 30000) + b"bad\x00cell\r\n"
    with pytest.raises(ImportFileError, match="NUL"):
        rows_of(content)


def test_a_huge_cell_is_refused():
    with pytest.raises(ImportFileError):
        rows_of(csv_bytes([["a"], ["x" * 200_000]]))


def test_rows_are_streamed():
    """Reading the first rows of a file of a million rows does not read the rest."""
    content = csv_bytes([["SKU"]] + [[f"S{i}"] for i in range(1_000_000)])
    rows = read_rows(content, "csv")
    assert [next(rows) for _ in range(3)] == [(1, ["SKU"]), (2, ["S0"]), (3, ["S1"])]
