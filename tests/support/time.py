"""Moments on the wall clock of the programme's zone (never naive)."""

from __future__ import annotations

from datetime import datetime

from scheduler.core.time import zone


def tallinn(year: int, month: int, day: int, *clock: int) -> datetime:
    """``tallinn(2024, 3, 31, 3, 30)``: that wall-clock moment in Europe/Tallinn."""
    return datetime(year, month, day, *clock, tzinfo=zone("Europe/Tallinn"))
