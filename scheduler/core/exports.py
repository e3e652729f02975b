"""Export-safe cells: text stays text in CSV and XLSX, numbers stay numbers.

Titles, names and notes come from plan files, partners' imported calendars and forms. A
spreadsheet program reading ``=HYPERLINK("http://evil","x")``, ``+cmd|…``, ``-2+3`` or
``@SUM(1)`` from a CSV runs it as a formula, and openpyxl itself writes a string starting
with ``=`` as a formula. Every CSV and XLSX the application writes goes through
:func:`csv_rows` or :func:`append_row`:

- CSV: a text value starting with ``= + - @``, a tab or a carriage return is prefixed with
  a single quote (OWASP "CSV injection"); numbers are written as they are, so ``-3`` stays
  the number -3.
- XLSX: a text value is always a string cell (``data_type 's'``, an inline string, never a
  formula or an error value), formula-like text is also marked ``quotePrefix`` so editing
  the cell in a spreadsheet program keeps it text; characters XML cannot carry are dropped
  instead of failing the whole download.

The command line prints imported text through :func:`terminal_text`, so that a title cannot
send escape sequences to the operator's terminal.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read ``text`` as a formula (or a DDE command)."""
    return text.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """``value`` ready for ``csv.writer``: formula-like text quoted with ``'``; numbers kept."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document whose every text cell went through :func:`csv_cell`.

    Lines end in CRLF (RFC 4180), which also makes the writer quote a value holding a lone
    carriage return; with ``\\n`` line ends it would split the row in Excel.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def xlsx_text(text: str) -> str:
    """``text`` without the control characters an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def append_row(sheet, values: Sequence[Any]) -> None:
    """Append ``values`` to an openpyxl worksheet: text as string cells, numbers as numbers."""
    sheet.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_formula_like(cell.value):
                cell.quotePrefix = True


def write_table(sheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header in bold, then ``rows`` through :func:`append_row` (an empty string is an
    empty cell); each column as wide as its text, within reason."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, [None if v == "" else v for v in row])
    for index, _column in enumerate(header, start=1):
        values = [str(c.value or "") for c in sheet[get_column_letter(index)]]
        sheet.column_dimensions[get_column_letter(index)].width = min(
            60, max(8, *(len(v) + 2 for v in values))
        )


def xlsx_table(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A workbook of one sheet, ``title``, written by :func:`write_table`."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = xlsx_text(title)[:31]  # the longest sheet name a spreadsheet accepts
    write_table(sheet, header, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def terminal_text(text: str) -> str:
    """``text`` with control characters (ESC, CR, BEL, …) shown escaped, never sent raw."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )
