"""Texts in the reader's language along the one fallback chain, and Estonian alphabetical order.

A row (or a plan file's entry) that carries a text in several languages keeps the Estonian,
official text in the column ``FIELD`` and every other language in one JSON column,
``translations``: ``{"title": {"en": "…", "ru": "…"}, "description": {…}}``. Which languages
there are is one list, ``config.LANGUAGES`` (``use_languages`` at start-up): adding a language
changes no schema and no code. Forms, plan files and exports name a text in another language
``FIELD_CODE`` (``title_ru``); ``flat_texts`` and ``assign_texts`` translate between the two.

Every surface (pages, JSON-LD, the API, the widget, feeds, calendar files and mail) chooses
among them here: the reader's language, then English, then Estonian (``pick``), and keeps the
language the chosen text is written in, for a ``lang`` attribute on mixed content.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SOURCE = "et"  # the official language: its text is the row's own column
# The one list of languages: the interface, content, feeds, the API and the widget speak each.
# A new one needs its entry here (or in the LANGUAGES setting) and its message catalogue.
LANGUAGES = ("et", "en", "ru", "uk")
FALLBACK = ("en", SOURCE)
_languages: tuple[str, ...] = LANGUAGES
_FLAT_NAME = re.compile(r"^(?P<field>[a-z][a-z_]*?)_(?P<code>[a-z]{2,3})$")


def use_languages(codes: Iterable[str]) -> None:
    """The languages content may be given in (the official one first), from configuration."""
    global _languages
    _languages = tuple(dict.fromkeys((SOURCE, *codes)))


def content_languages() -> tuple[str, ...]:
    return _languages


def translated_languages() -> tuple[str, ...]:
    """The languages other than the official one."""
    return _languages[1:]


@dataclass(frozen=True)
class Text:
    """A text and the language it is written in."""

    value: str
    lang: str

    def __str__(self) -> str:
        return self.value


def language_code(locale: Any) -> str:
    """``"ru"`` of ``ru``, ``ru_RU``, ``ru-RU`` or a Babel locale; Estonian when none."""
    return (str(locale or "") or SOURCE).split("_")[0].split("-")[0].lower()


def fallback_order(language: str) -> tuple[str, ...]:
    """The reader's language, then English, then Estonian (each once)."""
    return tuple(dict.fromkeys((language, *FALLBACK)))


def pick(texts: Mapping[str, str | None], language: str) -> Text | None:
    """The first text of ``texts`` (by language code) along the fallback chain."""
    for code in fallback_order(language):
        if texts.get(code):
            return Text(texts[code], code)
    return None


def flat_name(field: str, code: str) -> str:
    """``title`` in Estonian, ``title_ru`` in Russian: the name forms and files use."""
    return field if code == SOURCE else f"{field}_{code}"


def language_fields(field: str) -> tuple[str, ...]:
    """The names ``field`` has in each language: ("name", "name_en", "name_ru", …)."""
    return tuple(flat_name(field, code) for code in _languages)


def _raw(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _translations(obj: Any) -> Mapping[str, Mapping[str, str]]:
    return _raw(obj, "translations") or {}


def texts_of(obj: Any, field: str) -> dict[str, str | None]:
    """``{"et": …, "en": …, "ru": …, …}`` of a row, an entry, or a flat mapping
    (``{"title": …, "title_ru": …}``), in every configured language."""
    stored = _translations(obj).get(field) or {}
    texts = {}
    for code in _languages:
        value = _raw(obj, field) if code == SOURCE else stored.get(code)
        if value is None and code != SOURCE and isinstance(obj, Mapping):
            value = obj.get(flat_name(field, code))
        texts[code] = value or None
    return texts


def flat_texts(obj: Any, field: str) -> dict[str, Any]:
    """``obj``'s ``field`` in each language by its flat name: {"name": …, "name_en": …, …}."""
    return {flat_name(field, code): text for code, text in texts_of(obj, field).items()}


def translations_of(obj: Any, *fields: str) -> dict[str, dict[str, str]]:
    """The ``translations`` value holding ``fields`` of ``obj`` (a row, entry or mapping)."""
    found = {}
    for field in fields:
        texts = {code: text for code, text in texts_of(obj, field).items() if code != SOURCE}
        if kept := {code: text for code, text in texts.items() if text}:
            found[field] = kept
    return found


def with_texts(
    translations: Mapping[str, Mapping[str, str]] | None, field: str, texts: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """``translations`` with ``field`` set to ``texts`` (by code; the official one ignored)."""
    result = {name: dict(values) for name, values in (translations or {}).items()}
    kept = {code: text for code, text in texts.items() if code != SOURCE and text}
    if kept:
        result[field] = kept
    else:
        result.pop(field, None)
    return result


def assign_texts(row: Any, field: str, texts: Mapping[str, Any]) -> None:
    """Set ``row``'s ``field`` in the languages ``texts`` gives (by code). The official text
    goes to its column; the others replace ``field`` in ``translations`` (a new value, so
    that the ORM sees the change)."""
    if SOURCE in texts:
        setattr(row, field, texts[SOURCE])
    row.translations = with_texts(row.translations, field, texts)


def assign_flat(row: Any, field: str, flat: Mapping[str, Any]) -> None:
    """``assign_texts`` from flat names: {"title": …, "title_ru": …}."""
    assign_texts(row, field, {code: flat.get(flat_name(field, code)) for code in _languages})


def split_flat_name(name: str) -> tuple[str, str] | None:
    """(``title``, ``ru``) of ``title_ru``; None when ``name`` names no language."""
    match = _FLAT_NAME.match(name)
    return (match["field"], match["code"]) if match else None


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
    return found.lang if found else SOURCE


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
