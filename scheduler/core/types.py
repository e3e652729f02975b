"""Column types."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator

from .time import require_aware


class UTCDateTime(TypeDecorator):
    """Stores an aware datetime as UTC and always returns it aware (UTC).

    SQLite keeps no offset, so the column holds naive UTC underneath; a naive value
    handed in from Python is refused rather than guessed.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        return require_aware(value).astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(cls: type[enum.Enum], length: int = 16) -> Enum:
    """A portable enum column storing the members' values as strings (no native type)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )
