"""Column types."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Enum, text
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from .localized import split_flat_name, translated_languages, with_texts
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


def translations_column():
    """A row's texts in the languages other than the official one (``core.localized``):
    ``{"title": {"en": "…", "ru": "…"}}``. One JSON column, so that a new language needs no
    change to the schema."""
    return mapped_column(JSON, default=dict, server_default=text("'{}'"), nullable=False)


class TranslatedRow:
    """A model whose ``TRANSLATED`` texts exist in several languages: besides ``title`` (the
    official language's column) it reads and writes ``title_ru`` and the like, for every
    configured language, as the flat names forms, files and scripts use, all held in its
    ``translations`` column."""

    TRANSLATED: tuple[str, ...] = ()

    def __init__(self, **values):
        flat = {name: values.pop(name) for name in list(values) if self._flat(name)}
        # given, not left to the column's default: a server default the ORM would read back
        # turns a batch of INSERTs into one statement per row
        values.setdefault("translations", {})
        super().__init__(**values)
        for name, value in flat.items():
            setattr(self, name, value)

    def _flat(self, name: str) -> tuple[str, str] | None:
        split = split_flat_name(name) if "_" in name else None
        if split and split[0] in self.TRANSLATED and split[1] in translated_languages():
            return split
        return None

    def __getattr__(self, name: str):
        split = None if name.startswith("_") else self._flat(name)
        if split is None:
            raise AttributeError(name)
        field, code = split
        return ((self.translations or {}).get(field) or {}).get(code)

    def __setattr__(self, name: str, value) -> None:
        split = None if name.startswith("_") else self._flat(name)
        if split is None:
            super().__setattr__(name, value)
            return
        field, code = split
        texts = dict((self.translations or {}).get(field) or {})
        texts[code] = value
        self.translations = with_texts(self.translations, field, texts)
