"""A translated table written as CSV or XLSX bytes (the caller writes them with ``write_document``).

CSV: UTF-8 with a byte-order mark, so Excel on Windows reads Cyrillic (ң ө ү too) instead of
guessing a code page; cells separated by ``;``, because Excel in a Russian or Kyrgyz locale uses
the comma as its decimal separator and opens a ``;`` file straight into columns (a ``,`` file lands
in one column there). Dates are dd.MM.yyyy and decimals use the document language's separator,
both of which that Excel reads as dates and numbers. ``csv`` quotes any cell that needs it.

XLSX (openpyxl): real dates and numbers, a bold header row that stays in view (frozen), a filter
on it, column widths from the content, and a second sheet naming the document (number, centre,
period, date).

Text typed by users can start with ``=``, ``+``, ``-`` or ``@``; a spreadsheet would run it as a
formula. In CSV such a cell gets a leading apostrophe; in XLSX it is stored as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from instructor_app.i18n import format_date, format_number
from instructor_app.reports.indicator_table import percent

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 48


class Percent(float):
    """A rate 0..1 shown as a percentage."""


Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class Table:
    title: str                          # the sheet's name (translated)
    header: Sequence[str]               # translated
    rows: Sequence[Sequence[Cell]]
    about: Sequence[tuple[str, str]] = ()  # XLSX: the "document" sheet (label, value)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("translate yes/no before writing")
    if isinstance(value, Percent):
        return percent(value)
    if isinstance(value, dt.date):
        return format_date(value, "short")
    if isinstance(value, float):
        return format_number(round(value, 2))
    if isinstance(value, int):
        return str(value)  # no grouping space: a spreadsheet reads it as a number
    return f"'{value}" if value.startswith(FORMULA_START) else value


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_text(h) for h in table.header])
    writer.writerows([_text(v) for v in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(text: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()
    return cleaned[:31] or "Sheet"


def _width(values: Sequence[Cell]) -> int:
    longest = max((len(_text(v)) for v in values), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def xlsx_bytes(table: Table, *, number: str, about_title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(table.title)
    bold = Font(bold=True)
    sheet.append(list(table.header))
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            if isinstance(value, Percent):
                cell.number_format = "0.0%"
            elif isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for c, head in enumerate(table.header, start=1):
        column = [row[c - 1] for row in table.rows]
        # a long header wraps (at about 20 characters) rather than widening its column
        sheet.column_dimensions[get_column_letter(c)].width = max(_width(column), min(len(head) + 2, 20))
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    if table.about:
        info = book.create_sheet(_sheet_title(about_title))
        for label, value in table.about:
            info.append([label, value])
            info.cell(row=info.max_row, column=1).font = bold
            info.cell(row=info.max_row, column=2).data_type = "s"
        info.column_dimensions["A"].width = max(len(label) for label, _value in table.about) + 2
        info.column_dimensions["B"].width = MAX_WIDTH
    book.properties.title = table.title
    book.properties.identifier = number
    book.properties.creator = "Instructor App"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
