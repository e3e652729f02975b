"""Names in the visitor's language, and Estonian alphabetical order.

Rows that carry a name in several languages keep it in ``FIELD`` (Estonian, the official
text), ``FIELD_en`` and ``FIELD_ru``. ``localized(obj, "name", "ru")`` is the one place that
chooses among them: the visitor's language, then English, then Estonian.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("et", "en", "ru")


def _value(obj: Any, name: str) -> str | None:
    value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return value or None


def localized(obj: Any, field: str, locale: str | None) -> str:
    """``obj``'s ``field`` in ``locale``, falling back to English and then to Estonian.

    ``obj`` is a model row or a mapping (e.g. a report row) with ``field``, ``field_en`` and
    ``field_ru``; the Estonian value is the bare ``field``.
    """
    code = (locale or "et").split("_")[0].split("-")[0].lower()
    order = [code, "en", "et"] if code != "et" else ["et"]
    for language in order:
        value = _value(obj, field if language == "et" else f"{field}_{language}")
        if value:
            return value
    return _value(obj, field) or ""


def text_language(obj: Any, field: str, locale: str | None) -> str:
    """The language of what ``localized`` shows, for a ``lang`` attribute on mixed content."""
    code = (locale or "et").split("_")[0].split("-")[0].lower()
    order = [code, "en", "et"] if code != "et" else ["et"]
    for language in order:
        if _value(obj, field if language == "et" else f"{field}_{language}"):
            return language
    return "et"


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
