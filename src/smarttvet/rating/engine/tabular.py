"""Reading a rating's data file (CSV or XLSX) into a ``Dataset``, with errors that point at a cell.

The first row names the columns: ``unit`` and one column per indicator code, in any order; every
indicator needs its column and no other column is allowed. Each further row is one unit. Rows are
numbered as in a spreadsheet (the header is row 1) and columns are named by their header and letter, so
every message reads like ``row 5, column D (gni_per_capita): 'n/a' is not a number``.

Cells: an empty cell is missing data (the methodology's missing-data policy handles it); anything else
must be a finite number (a decimal point, not a comma); a log-transformed indicator must be positive.
Unit codes must be present and unique. Rows with no value at all are skipped. CSV files are UTF-8 (a
byte-order mark is fine) with ``,`` or ``;`` as the separator; of an XLSX workbook the first sheet is
read, cached formula values included.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from smarttvet.rating.engine.compute import Dataset
from smarttvet.rating.engine.errors import DataError
from smarttvet.rating.engine.methodology import Methodology

UNIT_COLUMN = "unit"
MAX_XLSX_UNPACKED = 512 * 1024**2
MAX_XLSX_RATIO = 150


class TableError(DataError):
    """A problem in the data file; ``row`` (1 = header) and ``column`` (header name) locate it."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 letter: str | None = None):
        self.row, self.column, self.letter = row, column, letter
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None or letter is not None:
            where.append(f"column {letter} ({column})" if letter and column else f"column {column or letter}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message, indicator=column)


@dataclass(frozen=True)
class Table:
    """Header and rows of a file as read, each row with its spreadsheet number."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


@dataclass(frozen=True)
class LoadedData:
    dataset: Dataset
    unit_rows: dict[str, int]        # unit -> spreadsheet row
    columns: dict[str, str]          # header -> column letter

    def locate(self, error: DataError) -> TableError:
        """The same problem, told as a row and column of the file."""
        if isinstance(error, TableError):
            return error
        row = self.unit_rows.get(error.unit) if error.unit is not None else None
        column = error.indicator if error.indicator is not None else (UNIT_COLUMN if error.unit else None)
        return TableError(str(error), row=row, column=column, letter=self.columns.get(column or ""))


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_table(path: str | Path) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise TableError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx")


def _read_csv(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TableError(f"{path}: cannot read the data file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise TableError(f"{path.name}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise TableError(f"{path.name}: the file is empty; its first row must name the columns", row=1)
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(f"{path.name}: not a readable CSV file ({exc})") from None
    header = [cell.strip() for cell in records[0]]
    rows = [(number, list(values)) for number, values in enumerate(records[1:], start=2)]
    return Table(header, rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                raise TableError(f"{path.name}: not a readable XLSX workbook")
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            packed = sum(info.compress_size for info in archive.infolist()) or 1
    except OSError as exc:
        raise TableError(f"{path}: cannot read the data file ({exc.strerror})") from None
    except zipfile.BadZipFile as exc:
        raise TableError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    if unpacked > MAX_XLSX_UNPACKED or (unpacked > 50 * 1024**2 and unpacked / packed > MAX_XLSX_RATIO):
        raise TableError(f"{path.name}: refused: it unpacks to {unpacked / 1024**2:.0f} MiB, which looks like a "
                         "compression bomb; use CSV")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    try:
        records = [list(values) for values in book.worksheets[0].iter_rows(values_only=True)]
    except (SyntaxError, zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError) as exc:
        # the sheet's XML is damaged (ElementTree's ParseError is a SyntaxError) or its entry is corrupt
        raise TableError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    finally:
        book.close()
    if not records:
        raise TableError(f"{path.name}: the first sheet is empty; its first row must name the columns", row=1)
    header = ["" if cell is None else str(cell).strip() for cell in records[0]]
    return Table(header, [(number, values) for number, values in enumerate(records[1:], start=2)])


def _is_empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _number(cell: Any) -> float | None:
    """The cell's number, NaN if empty, None if it is not a number."""
    if _is_empty(cell):
        return math.nan
    if isinstance(cell, bool) or isinstance(cell, dt.date | dt.time | dt.timedelta):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        try:
            value = float(str(cell).strip())
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def dataset_from_table(methodology: Methodology, table: Table) -> LoadedData:
    """Check the table against the methodology and build the dataset (see the module docstring)."""
    codes = methodology.indicator_codes
    expected = (UNIT_COLUMN, *codes)
    letters: dict[str, str] = {}
    positions: dict[str, int] = {}
    width = max([len(table.header), *(len(values) for _, values in table.rows)], default=0)
    header = table.header + [""] * (width - len(table.header))
    for position, name in enumerate(header):
        letter = column_letter(position)
        if not name:
            used = next((number for number, values in table.rows
                         if position < len(values) and not _is_empty(values[position])), None)
            if used is not None:
                raise TableError(f"a value in a column without a name (row 1, column {letter} is empty)",
                                 row=used, letter=letter)
            continue
        if name in positions:
            raise TableError(f"duplicate column (also column {letters[name]})", row=1, column=name, letter=letter)
        if name not in expected:
            raise TableError(f"unknown column; expected {UNIT_COLUMN!r} and the indicator columns "
                             f"{', '.join(codes)}", row=1, column=name, letter=letter)
        positions[name], letters[name] = position, letter
    for name in expected:
        if name not in positions:
            what = "the unit codes" if name == UNIT_COLUMN else "an indicator of the methodology"
            raise TableError(f"missing column ({name!r} is {what})", row=1, column=name)

    units: list[str] = []
    unit_rows: dict[str, int] = {}
    values: list[list[float]] = []
    log_indicators = {i.code for i in methodology.indicators if i.transform == "log"}
    for number, cells in table.rows:
        if all(_is_empty(cell) for cell in cells):
            continue

        def cell(name: str, cells: list[Any] = cells) -> Any:
            position = positions[name]
            return cells[position] if position < len(cells) else None

        unit_cell = cell(UNIT_COLUMN)
        if _is_empty(unit_cell):
            raise TableError("the unit code is empty", row=number, column=UNIT_COLUMN, letter=letters[UNIT_COLUMN])
        unit = _unit_text(unit_cell)
        if unit in unit_rows:
            raise TableError(f"duplicate unit {unit!r} (also row {unit_rows[unit]})", row=number,
                             column=UNIT_COLUMN, letter=letters[UNIT_COLUMN])
        row_values = []
        for code in codes:
            raw = cell(code)
            value = _number(raw)
            if value is None:
                raise TableError(f"{raw!r} is not a number", row=number, column=code, letter=letters[code])
            if code in log_indicators and not math.isnan(value) and value <= 0:
                raise TableError(f"{value:g} is not positive, but the indicator is log-transformed", row=number,
                                 column=code, letter=letters[code])
            row_values.append(value)
        unit_rows[unit] = number
        units.append(unit)
        values.append(row_values)
    matrix = np.array(values, dtype=float).reshape(len(units), len(codes))
    return LoadedData(Dataset(tuple(units), codes, matrix), unit_rows, letters)


def _unit_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_dataset(methodology: Methodology, path: str | Path) -> LoadedData:
    return dataset_from_table(methodology, read_table(path))
