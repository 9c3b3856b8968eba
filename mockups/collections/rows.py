"""The collection's CSV: one row per artwork (file name, title, price, tags, description,
colours), read with the standard `csv` module. A row that is wrong fails alone: its artwork
(or, for a row naming no artwork, the row itself) is marked failed with one line, and the rest
of the collection renders.

Columns are found by name, case-insensitively: `file` (or `filename`, `file_name`, `image`),
`title`, `price`, `tags`, `description`, `colours` (or `colors`). Tags and colours are
comma-separated inside their cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from mockups.collections.record import CollectionError, ListingRow

MAX_CSV_BYTES = 5 * 2**20
MAX_ROWS = 2000
FILE_COLUMNS = ("file", "filename", "file_name", "image", "artwork")
COLOUR_COLUMNS = ("colours", "colors")


@dataclass(frozen=True)
class CsvRow:
    """A row of the CSV: its line number, the artwork it names, its fields, or why it fails."""

    line: int
    file: str
    listing: ListingRow
    problem: str | None = None


def read_rows(path: Path) -> list[CsvRow]:
    """Every row of the CSV at `path`; `CollectionError` when the file itself is unusable."""
    if path.stat().st_size > MAX_CSV_BYTES:
        raise CollectionError(f"{path.name} is over {MAX_CSV_BYTES // 2**20} MB; not a CSV of rows")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CollectionError(f"{path.name} is not UTF-8 text; save the CSV as UTF-8") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
        file_column = next((columns[c] for c in FILE_COLUMNS if c in columns), None)
        if file_column is None:
            raise CollectionError(f"{path.name} has no 'file' column naming each row's artwork")
        rows: list[CsvRow] = []
        for number, record in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise CollectionError(f"{path.name} has over {MAX_ROWS} rows")
            rows.append(_row(number, record, columns, file_column))
    except csv.Error as error:
        raise CollectionError(f"{path.name} is not a readable CSV ({error})") from None
    return rows


def _row(line: int, record: dict, columns: dict[str, str], file_column: str) -> CsvRow:
    def cell(*names: str) -> str:
        for name in names:
            if name in columns:
                value = record.get(columns[name])
                return value.strip() if isinstance(value, str) else ""
        return ""

    listing = ListingRow(
        title=cell("title"),
        price=cell("price"),
        tags=_items(cell("tags")),
        description=cell("description"),
        colours=_items(cell(*COLOUR_COLUMNS)),
    )
    file = Path((record.get(file_column) or "").strip().replace("\\", "/")).name
    return CsvRow(line, file, listing, _problem(line, file, listing))


def _problem(line: int, file: str, listing: ListingRow) -> str | None:
    where = f"CSV row {line}"
    if not file:
        return f"{where} names no artwork file"
    if listing.price:
        try:
            price = Decimal(listing.price)
        except InvalidOperation:
            return f"{where}: the price must be a number, not {listing.price[:40]!r}"
        if not price.is_finite() or price <= 0:
            return f"{where}: the price must be above 0, not {listing.price[:40]}"
    return None


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())
