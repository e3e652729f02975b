"""Who holds a place: the rules of registration as plain functions over plain data.

No Flask, no database: the service reads the counts and applies these under a lock on the
occurrence. A registration holds a place only once its mail link was followed (it is
"confirmed"); an unconfirmed one holds nothing and lapses after UNCONFIRMED_LAPSE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

OFF, OPEN, APPROVAL = "off", "open", "approval"
#: what a visitor is told about an occurrence
STATE_OPEN, STATE_WAITLIST, STATE_FULL, STATE_CLOSED = "open", "waitlist", "full", "closed"
#: what a confirmation gives
PLACE, WAITING = "confirmed", "waitlisted"

UNCONFIRMED_LAPSE = timedelta(hours=24)

T = TypeVar("T")


@dataclass(frozen=True)
class Opening:
    """An occurrence's registration settings, resolved to instants."""

    mode: str
    capacity: int | None  # None: no limit
    waitlist: bool
    opens_at: datetime | None
    closes_at: datetime


@dataclass(frozen=True)
class Availability:
    state: str
    places_left: int | None  # None: no limit, or registration closed


def closing_time(
    start: datetime, closes_at: datetime | None, closes_before_minutes: int
) -> datetime:
    """An explicit close wins; otherwise the given minutes before the start (default 2 h)."""
    return closes_at or start - timedelta(minutes=closes_before_minutes)


def is_taking_registrations(opening: Opening | None, now: datetime) -> bool:
    if opening is None or opening.mode == OFF:
        return False
    if opening.opens_at is not None and now < opening.opens_at:
        return False
    return now < opening.closes_at


def places_left(capacity: int | None, confirmed: int) -> int | None:
    return None if capacity is None else max(capacity - confirmed, 0)


def availability(opening: Opening | None, now: datetime, confirmed: int) -> Availability:
    """What the public sees: open (with places left), waiting list, full, or closed."""
    if not is_taking_registrations(opening, now):
        return Availability(STATE_CLOSED, None)
    left = places_left(opening.capacity, confirmed)
    if left is None or left > 0:
        return Availability(STATE_OPEN, left)
    return Availability(STATE_WAITLIST if opening.waitlist else STATE_FULL, 0)


def place_for(opening: Opening, confirmed: int) -> str | None:
    """What a confirmation gets now: a place, a place on the waiting list, or nothing."""
    left = places_left(opening.capacity, confirmed)
    if left is None or left > 0:
        return PLACE
    return WAITING if opening.waitlist else None


def promotions(capacity: int | None, confirmed: int, waiting: Sequence[T]) -> list[T]:
    """Those first in line (``waiting`` in waiting-list order) who get the free places."""
    left = places_left(capacity, confirmed)
    return list(waiting) if left is None else list(waiting[:left])


def next_waitlist_position(positions: Sequence[int | None]) -> int:
    return max((p for p in positions if p is not None), default=0) + 1


def is_lapsed(
    created_at: datetime,
    email_confirmed_at: datetime | None,
    now: datetime,
    lapse: timedelta = UNCONFIRMED_LAPSE,
) -> bool:
    """An unconfirmed registration older than the lapse can no longer be confirmed."""
    return email_confirmed_at is None and now >= created_at + lapse


def erasure_due(event_end: datetime, now: datetime, retention_days: int) -> bool:
    return now >= event_end + timedelta(days=retention_days)
