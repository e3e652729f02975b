"""Texts in the reader's language along the one fallback chain, and Estonian alphabetical order.

Rows that carry a text in several languages keep it in ``FIELD`` (Estonian, the official
text), ``FIELD_en`` and ``FIELD_ru``. Every surface (pages, JSON-LD, the API, the widget,
feeds, calendar files and mail) chooses among them here: the reader's language, then English,
then Estonian (``pick``), and keeps the language the chosen text is written in, for a ``lang``
attribute on mixed content.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("et", "en", "ru")
FALLBACK = ("en", "et")


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in."""

    value: str
    lang: str

    def __str__(self) -> str:
        return self.value


def language_code(locale: Any) -> str:
    """``"ru"`` of ``ru``, ``ru_RU``, ``ru-RU`` or a Babel locale; Estonian when none."""
    return (str(locale or "") or "et").split("_")[0].split("-")[0].lower()


def fallback_order(language: str) -> tuple[str, ...]:
    """The reader's language, then English, then Estonian (each once)."""
    return tuple(dict.fromkeys((language, *FALLBACK)))


def pick(texts: Mapping[str, str | None], language: str) -> Text | None:
    """The first text of ``texts`` (by language code) along the fallback chain."""
    for code in fallback_order(language):
        if texts.get(code):
            return Text(texts[code], code)
    return None


def language_fields(field: str) -> tuple[str, ...]:
    """The names ``field`` has in each language: ("name", "name_en", "name_ru")."""
    return tuple(field if code == "et" else f"{field}_{code}" for code in LANGUAGES)


def in_each_language(obj: Any, field: str) -> dict[str, Any]:
    """``obj``'s ``field`` in each language, by name: {"name": …, "name_en": …, …}."""
    return {name: _raw(obj, name) for name in language_fields(field)}


def _raw(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _value(obj: Any, name: str) -> str | None:
    return _raw(obj, name) or None


def texts_of(obj: Any, field: str) -> dict[str, str | None]:
    """``{"et": field, "en": field_en, "ru": field_ru}`` of a row or a mapping."""
    return {code: _value(obj, field if code == "et" else f"{field}_{code}") for code in LANGUAGES}


def text_of(obj: Any, field: str, locale: Any) -> Text | None:
    """``obj``'s ``field`` in ``locale`` along the fallback chain, with its language."""
    return pick(texts_of(obj, field), language_code(locale))


def localized(obj: Any, field: str, locale: Any) -> str:
    """``obj``'s ``field`` in ``locale``, falling back to English and then to Estonian."""
    found = text_of(obj, field, locale)
    return found.value if found else ""


def text_language(obj: Any, field: str, locale: Any) -> str:
    """The language of what ``localized`` shows, for a ``lang`` attribute on mixed content."""
    found = text_of(obj, field, locale)
    return found.lang if found else "et"


# The Estonian alphabet (Eesti Keele Instituut): š and ž follow s, z comes between them, and
# õ ä ö ü follow w; x and y (foreign letters) come last. Letters outside it sort by their base
# letter (é as e), after the letters of the alphabet when they have none.
ESTONIAN_ALPHABET = "abcdefghijklmnopqrsšzžtuvwõäöüxy"
_RANK = {letter: index for index, letter in enumerate(ESTONIAN_ALPHABET)}


def _letter_rank(char: str) -> tuple[int, int]:
    if char in _RANK:
        return (1, _RANK[char])
    base = unicodedata.normalize("NFD", char)[0]
    if base in _RANK:
        return (1, _RANK[base])
    if char.isdigit():
        return (0, ord(char))
    if char.isalpha():
        return (2, ord(char))
    return (-1, ord(char))  # spaces and punctuation before letters: "Saue vald" < "Saueküla"


def estonian_key(text: str) -> tuple:
    """A sort key that orders Estonian names as an Estonian dictionary does.

    Case is ignored first and only breaks ties (upper case first).
    """
    folded = text.casefold()
    return (tuple(_letter_rank(c) for c in folded), tuple(not c.isupper() for c in text))


def sorted_estonian(items, key=lambda item: item):
    """``items`` in Estonian alphabetical order of ``key(item)``."""
    return sorted(items, key=lambda item: estonian_key(key(item)))
