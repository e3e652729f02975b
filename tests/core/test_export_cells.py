"""Cells of every CSV and XLSX export: text is never a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from scheduler.core.exports import append_row, csv_rows, terminal_text

HOSTILE = ['=HYPERLINK("http://evil.example/","x")', "+cmd", "-2+3", "@SUM(1)", "\tx", "\rx"]


def _saved(book: Workbook):
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active


def test_csv_prefixes_text_that_a_spreadsheet_would_read_as_a_formula():
    text = csv_rows(["value"], [[value] for value in HOSTILE])

    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:]

    assert cells == ["'" + value for value in HOSTILE]


def test_csv_leaves_numbers_and_ordinary_text_alone():
    text = csv_rows(["n", "x", "t"], [[-3, -2.5, "Info day, Jõhvi"], [0, 12, "a=b"]])

    assert text.split("\r\n")[1:] == ['-3,-2.5,"Info day, Jõhvi"', "0,12,a=b", ""]


def test_xlsx_text_is_a_string_cell_and_numbers_are_number_cells():
    book = Workbook()
    append_row(book.active, [*HOSTILE, "#N/A", -3, -2.5, None])

    cells = list(_saved(book).iter_rows())[0]

    expected = [("s", v.replace("\r", "\n")) for v in [*HOSTILE, "#N/A"]]  # XML reads CR as LF
    assert [(c.data_type, c.value) for c in cells[:7]] == expected
    assert all(c.quotePrefix for c in cells[:6]) and not cells[6].quotePrefix
    assert [(c.data_type, c.value) for c in cells[7:9]] == [("n", -3), ("n", -2.5)]


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    book = Workbook()
    append_row(book.active, ["Bell\x07 and \x1b[0m escape"])

    assert _saved(book)["A1"].value == "Bell and [0m escape"


def test_terminal_text_shows_control_characters_escaped():
    assert terminal_text("a\x1b[2Jb\rc\x07 ü") == "a\\x1b[2Jb\\rc\\x07 ü"
