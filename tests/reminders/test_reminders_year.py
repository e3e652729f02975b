"""Acceptance: the 2024 plan ticked through day by day sends exactly what the policy implies."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.reminders.dispatch import dispatch_due
from tests.support.time import tallinn

FIRST_TICK = tallinn(2023, 12, 31)  # the plan is loaded "as of" the last day of 2023
LAST_DAY = tallinn(2025, 1, 20)


def ticks():
    """Every local midnight and every 09:00 (the reminder hour) from the load to the end."""
    day = FIRST_TICK.date()
    while day <= LAST_DAY.date():
        for hour in (0, 9):
            yield datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/Tallinn"))
        day += timedelta(days=1)


def next_tick(moment: datetime) -> datetime:
    local = moment.astimezone(ZoneInfo("Europe/Tallinn"))
    for hour in (0, 9, 24):
        candidate = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo) + timedelta(
            hours=hour
        )
        candidate = candidate.astimezone(ZoneInfo("Europe/Tallinn"))
        if candidate >= local:
            return candidate
    raise AssertionError("unreachable")


def expected_messages(app) -> tuple[Counter, dict]:
    """What the configured policy implies, computed from the event rows alone."""
    offsets = app.config["REMINDER_OFFSETS_DAYS"]
    hour = app.config["REMINDER_HOUR"]
    after = timedelta(hours=app.config["FOLLOWUP_AFTER_HOURS"])
    expected: Counter = Counter()
    on_time: dict = {}
    for event in db.session.scalars(select(Event).where(Event.status == EventStatus.PLANNED)):
        zone = ZoneInfo(event.series.timezone)
        local_day = event.start.astimezone(zone).date()
        dues = {
            d: datetime.combine(local_day - timedelta(days=d), time(hour), tzinfo=zone)
            for d in offsets
        }
        for organiser in {o.strip().lower() for o in event.series.organisers}:
            for days, due in dues.items():
                sent_at = max(due, FIRST_TICK)
                later_due = any(due < other <= sent_at for other in dues.values())
                if sent_at < event.start and not later_due:
                    expected[("before", organiser)] += 1
                    on_time[(event.id, f"{days}d", organiser)] = sent_at
            expected[("followup", organiser)] += 1
            on_time[(event.id, "after", organiser)] = next_tick(event.end + after)
    return expected, on_time


@pytest.mark.timeout(300)  # a whole year of ticks: about a minute, more on a loaded machine
def test_ticking_through_2024_sends_every_organiser_exactly_what_the_policy_implies(
    smtp_app, smtp, runner
):
    result = runner.invoke(args=["plan", "load"])
    assert result.exit_code == 0, result.output
    expected, on_time = expected_messages(smtp_app)
    assert sum(expected.values()) > 500

    for now in ticks():
        dispatch_due(now)

    received = Counter(smtp.message_ids())
    assert max(received.values()) == 1, "a Message-ID was sent twice"
    kinds = {r.message_id: (str(r.kind), r.recipient) for r in db.session.scalars(select(Reminder))}
    assert Counter(kinds[mid] for mid in received) == expected
    assert all(len(r.recipients) == 1 for r in smtp.received)

    sent = db.session.scalars(select(Reminder).where(Reminder.status == "sent"))
    assert {(r.event_id, r.slot, r.recipient): r.sent_at for r in sent} == on_time
    unsent = Counter(
        (str(r.kind), r.status, r.last_error)
        for r in db.session.scalars(select(Reminder).where(Reminder.status != "sent"))
    )
    assert set(unsent) <= {
        ("before", "skipped", "superseded by a later reminder"),
        ("before", "skipped", "event already started"),
    }, unsent
    print(
        f"\n2024 by day: {sum(received.values())} messages, by kind "
        f"{dict(Counter(k for k, _ in expected.elements()))}, skipped {dict(unsent)}"
    )
