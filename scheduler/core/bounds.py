"""Bounds on what people may type: ids, counts, years and text that the database can hold.

Every id column is a 32-bit ``INTEGER`` on PostgreSQL (and SQLite refuses integers beyond
64 bits), so a larger id names nothing: it is answered as "not found", never sent to the
database. Text longer than its column is refused with a message instead of a DataError.
"""

from __future__ import annotations

from datetime import date

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER
MAX_ATTENDANCE = 100_000
MAX_NOTE_CHARS = 5_000  # notes, reasons: TEXT columns, bounded for sanity
FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates people may ask about (feeds, lists, moves)


class TooLong(ValueError):
    """Text longer than the field can hold; the message names the field and its limit."""


def is_valid_id(value: int) -> bool:
    return 0 <= value <= MAX_ID


def is_reasonable_date(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def column_length(column) -> int | None:
    """The declared length of a ``String(n)`` column attribute (``Model.field``)."""
    return getattr(column.property.columns[0].type, "length", None)


def bounded_text(value: str | None, limit: int | None, field: str) -> str | None:
    """``value`` unchanged if it fits in ``limit`` characters; otherwise ``TooLong``."""
    if value is None or limit is None or len(value) <= limit:
        return value
    raise TooLong(f"{field} is too long ({len(value)} characters, at most {limit})")


def cli_id_type():
    """A click parameter type for ids: a bigger number is refused with the range it must fit."""
    import click

    return click.IntRange(min=0, max=MAX_ID)


def cli_require_fits(value: str | None, limit: int | None, hint: str) -> None:
    """For commands: text longer than its column is a bad parameter, named by ``hint``."""
    import click

    try:
        bounded_text(value, limit, hint)
    except TooLong as error:
        raise click.BadParameter(str(error), param_hint=hint) from None
