"""What an import decides about one row of a file."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imports.columns import CellError
from inventory.models import Product
from inventory.services.documents import LineInput


@dataclass
class RowResult:
    """A row of the file (`line`: its number in the file, the headings being line 1; `cells`:
    its texts) and what the import makes of it: the values read (`data`, by column key), the
    errors by column key ("" for the row as a whole), the outcome, and what to write."""

    NEW, UPDATED, UNCHANGED, FAILED = "new", "updated", "unchanged", "failed"

    line: int
    cells: list[str]
    data: dict = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    outcome: str = ""
    product: Product | None = None
    changed: set[str] = field(default_factory=set)
    barcodes: list[str] | None = None
    minimums: dict[int, Decimal | None] = field(default_factory=dict)
    line_input: tuple[int, LineInput] | None = None  # an opening balance: (warehouse id, its line)
    record: Any = None  # a company or contact to write

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)
        self.outcome = self.FAILED


def read_row(line: int, cells: list[str], mapping: Sequence[str], value: Callable[[str, str], Any]) -> RowResult:
    """The row's cells read by the columns they are matched to (`mapping`: a key per column,
    "" for a column left out) with `value(key, text)`; an empty cell is left out, a cell it
    refuses (`CellError`) is an error of its column."""
    result = RowResult(line=line, cells=cells)
    for index, key in enumerate(mapping):
        text = cells[index] if index < len(cells) else ""
        if not key or text == "":
            continue
        try:
            result.data[key] = value(key, text)
        except CellError as error:
            result.add_error(key, str(error))
    return result
