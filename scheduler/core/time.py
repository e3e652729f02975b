"""Time helpers. Every datetime in this project is aware; UTC for storage, a zone for display."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

# The one home of the installation's default time zone: config.py's TIMEZONE defaults to it,
# and the pure code (rules, plan files, new series) falls back on it where no app is at hand.
DEFAULT_TZ = "Europe/Tallinn"


@lru_cache(maxsize=64)
def zone(name: str = DEFAULT_TZ) -> ZoneInfo:
    return ZoneInfo(name)


def utcnow() -> datetime:
    return datetime.now(UTC)


def require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: a time zone is required")
    return value


def to_utc(value: datetime) -> datetime:
    return require_aware(value).astimezone(UTC)


def local_midnight(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """The instant a local calendar day begins (aware)."""
    return datetime.combine(day, time(0), tzinfo=zone(tz))


def parse_local_datetime(text: str, tz: str = DEFAULT_TZ) -> datetime:
    """ISO text to an aware datetime; text without an offset is wall-clock time in ``tz``."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return value
