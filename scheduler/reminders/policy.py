"""The reminder policy and the decisions built on it: pure functions over plain values.

Nothing here touches Flask or the database, so the rules can be read and tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

FOLLOWUP_SLOT = "after"
_OVERRIDABLE = ("offsets_days", "hour", "followup_after_hours", "followup", "enabled")


class PolicyError(ValueError):
    """A per-series reminder policy that cannot be used; the message says which part."""


@dataclass(frozen=True)
class ReminderPolicy:
    offsets_days: tuple[int, ...] = (7, 1)
    hour: int = 9
    followup_after_hours: float = 2.0
    followup: bool = True
    enabled: bool = True

    def __post_init__(self) -> None:
        if any(not isinstance(d, int) or isinstance(d, bool) or d < 0 for d in self.offsets_days):
            raise PolicyError(f"offsets_days must be whole days >= 0, not {self.offsets_days!r}")
        if not isinstance(self.hour, int) or not 0 <= self.hour <= 23:
            raise PolicyError(f"hour must be 0..23, not {self.hour!r}")
        if not isinstance(self.followup_after_hours, int | float) or self.followup_after_hours < 0:
            raise PolicyError(
                f"followup_after_hours must be >= 0, not {self.followup_after_hours!r}"
            )

    def overridden_by(self, override: Mapping[str, Any] | None) -> ReminderPolicy:
        """This policy with a series' overrides applied; unknown keys are an error."""
        if not override:
            return self
        unknown = sorted(set(override) - set(_OVERRIDABLE))
        if unknown:
            raise PolicyError(f"unknown reminder policy key(s): {', '.join(unknown)}")
        changes = dict(override)
        if "offsets_days" in changes:
            offsets = changes["offsets_days"]
            if not isinstance(offsets, list | tuple):
                raise PolicyError(f"offsets_days must be a list of days, not {offsets!r}")
            changes["offsets_days"] = tuple(offsets)
        return replace(self, **changes)


@dataclass(frozen=True)
class PlannedReminder:
    kind: str  # "before" or "followup"
    slot: str
    recipient: str
    due: datetime


def slot_for_offset(days: int) -> str:
    return f"{days}d"


def offset_of_slot(slot: str) -> int:
    return int(slot.removesuffix("d"))


def normalise_recipients(addresses: Iterable[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for address in addresses or ():
        cleaned = (address or "").strip().lower()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def before_due(start: datetime, days: int, hour: int, tz: str) -> datetime:
    """``days`` calendar days before the event's local date, at ``hour`` local time."""
    local_day = start.astimezone(ZoneInfo(tz)).date() - timedelta(days=days)
    return datetime.combine(local_day, time(hour), tzinfo=ZoneInfo(tz)).astimezone(start.tzinfo)


def followup_due(end: datetime, policy: ReminderPolicy) -> datetime:
    return end + timedelta(hours=policy.followup_after_hours)


def plan_reminders(
    start: datetime,
    end: datetime,
    tz: str,
    recipients: Iterable[str],
    policy: ReminderPolicy,
) -> list[PlannedReminder]:
    """The before-reminders and the follow-up an occurrence owes each organiser.

    A before-reminder that would fall at or after the start is not planned (an offset of
    0 days for a morning event); whether one is still worth sending is the dispatcher's call.
    """
    if not policy.enabled:
        return []
    planned: list[PlannedReminder] = []
    for recipient in normalise_recipients(recipients):
        for days in sorted(set(policy.offsets_days), reverse=True):
            due = before_due(start, days, policy.hour, tz)
            if due < start:
                planned.append(PlannedReminder("before", slot_for_offset(days), recipient, due))
        if policy.followup:
            planned.append(
                PlannedReminder("followup", FOLLOWUP_SLOT, recipient, followup_due(end, policy))
            )
    return planned


def backoff(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """Wait before the next attempt: base, 2×base, 4×base … capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds))


@dataclass(frozen=True)
class EventState:
    """What the dispatcher needs to know about an event to decide whether to send."""

    start: datetime
    is_cancelled: bool
    has_outcome: bool


ACCOUNT_MAIL_MAX_DELAY = timedelta(days=1)


def skip_reason(
    kind: str,
    due: datetime,
    now: datetime,
    event: EventState | None,
    *,
    opted_out: bool,
    superseded: bool = False,
    is_organiser: bool = True,
    followup_max_delay: timedelta = timedelta(days=14),
    digest_max_delay: timedelta = timedelta(days=1),
) -> str | None:
    """Why a due message should not be sent now, or None to send it.

    Account mail (a password reset) is asked for by its recipient: an opt-out from reminders
    does not stop it; only a long outage does (its link is made when it is sent)."""
    if kind == "registration":  # asked for by the registrant, whatever their reminder opt-out
        return None if event is not None else "event no longer exists"
    if kind == "registration_reminder":  # the registrant's day before: only while it helps
        if event is None:
            return "event no longer exists"
        if event.is_cancelled:
            return "event cancelled"
        return "event already started" if now >= event.start else None
    if kind == "subscription":  # asked for by the subscriber; unsubscribing deletes it
        return None
    if kind == "password_reset":
        return "too late for account mail" if now > due + ACCOUNT_MAIL_MAX_DELAY else None
    if opted_out:
        return "recipient opted out"
    if kind == "digest":
        return "too late for this week" if now > due + digest_max_delay else None
    if event is None:
        return "event no longer exists"
    if not is_organiser:
        return "no longer an organiser of the event"
    if kind == "cancelled":
        if not event.is_cancelled:
            return "event was restored"
        return "event start has passed" if now >= event.start else None
    if event.is_cancelled:
        return "event cancelled"
    if kind == "before":
        if now >= event.start:
            return "event already started"
        return "superseded by a later reminder" if superseded else None
    if kind == "updated":
        return "event start has passed" if now >= event.start else None
    if kind == "followup":
        if event.has_outcome:
            return "outcome already recorded"
        return "too late for a follow-up" if now > due + followup_max_delay else None
    return None
