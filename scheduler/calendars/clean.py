"""Make upstream text fit to store and to write back into a feed. Pure: no Flask.

An imported value ends up in our database (PostgreSQL refuses NUL and strings longer than
the column) and in every feed that carries the event (a line break inside a URL or a name
would start a new property there). So every value is cleaned on the way in: control
characters go (line breaks become spaces, except in descriptions), text is cut to its
column, and a web address that is not one is dropped. Each change is reported as a warning
that the calendar's page lists.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# C0 and C1 controls, DEL, lone surrogates (not storable as UTF-8) and the Unicode line and
# paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROLS_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\r\n]+")


class Warnings(list):
    """Warnings about one import, fit for a person; at most ``MAX`` are kept."""

    MAX = 50

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def add(self, message: str) -> None:
        if len(self) < self.MAX:
            self.append(message)
        else:
            self.dropped += 1

    def as_list(self) -> list[str]:
        more = [f"… and {self.dropped} more"] if self.dropped else []
        return list(self) + more


def single_line(text: str | None, limit: int, what: str, warnings: Warnings) -> str | None:
    """One line of text: controls removed, runs of white space made one space, cut to
    ``limit`` characters."""
    if text is None:
        return None
    stripped = text.strip()
    cleaned = _SPACES.sub(" ", _CONTROLS_BUT_LINES.sub("", stripped)).strip()
    if _CONTROLS.search(stripped.replace("\t", " ")):
        warnings.add(f"{what}: control characters removed")
    return _cut(cleaned, limit, what, warnings)


def multi_line(text: str | None, limit: int, what: str, warnings: Warnings) -> str | None:
    """Text that may span lines (a description): controls other than line breaks and tabs
    removed, line ends made \\n, cut to ``limit`` characters."""
    if text is None:
        return None
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROLS_BUT_LINES.sub("", normalised).strip()
    if _CONTROLS_BUT_LINES.search(normalised):
        warnings.add(f"{what}: control characters removed")
    return _cut(cleaned, limit, what, warnings)


def _cut(text: str, limit: int, what: str, warnings: Warnings) -> str | None:
    if len(text) > limit:
        warnings.add(f"{what}: shortened to {limit} characters")
        text = text[:limit].rstrip()
    return text or None


def web_address(text: str | None, limit: int, what: str, warnings: Warnings) -> str | None:
    """An http(s) address as written, or None (with a warning) if it is not one, holds
    white space or control characters, or is longer than ``limit``."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        parts = urlsplit(value)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or len(value) > limit or re.search(r"\s", value) or _CONTROLS.search(value):
        warnings.add(f"{what}: dropped (not a usable web address)")
        return None
    return value


def header_value(text: str | None, limit: int) -> str | None:
    """An HTTP validator (ETag, Last-Modified) worth sending back, or None."""
    if text is None or len(text) > limit or _CONTROLS.search(text):
        return None
    return text or None
