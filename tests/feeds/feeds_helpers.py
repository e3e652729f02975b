"""Feed test data and two independent iCalendar parsers to read what the feeds emit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from factories import expand, listed_events, make_org, make_series
from ical.calendar_stream import IcsCalendarStream

from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence, move_occurrence
from scheduler.extensions import db
from tests.support.time import tallinn

TALLINN = ZoneInfo("Europe/Tallinn")
YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}


def occurrence_at(series, when: datetime) -> Event:
    return db.session.scalars(
        db.select(Event).where(Event.series_id == series.id, Event.original_start == when)
    ).one()


def events_list(runner, *extra) -> list[dict]:
    return listed_events(runner, *extra)


def utc(text_or_moment) -> datetime:
    moment = (
        datetime.fromisoformat(text_or_moment)
        if isinstance(text_or_moment, str)
        else text_or_moment
    )
    return moment.astimezone(UTC)


def expected_occurrences(rows: list[dict], show_cancelled: bool = False) -> list[tuple]:
    return sorted(
        (utc(row["start"]), utc(row["end"]), row["title"])
        for row in rows
        if show_cancelled or row["status"] != "cancelled"
    )


WINDOW_START = tallinn(2024, 1, 1)
WINDOW_END = tallinn(2025, 1, 1)


def read_with_recurring_ical_events(body: bytes) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(body)
    found = recurring_ical_events.of(calendar).between(WINDOW_START, WINDOW_END)
    return sorted(
        (utc(event["DTSTART"].dt), utc(event["DTEND"].dt), str(event["SUMMARY"])) for event in found
    )


def read_with_ical(body: bytes) -> list[tuple]:
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return sorted(
        (utc(event.start), utc(event.end), event.summary)
        for event in calendar.timeline_tz(UTC)
        if WINDOW_START <= event.start < WINDOW_END
    )


def build_club_calendar():
    """Tartu's weekly club with a Q3 pause and Estonian holidays skipped, one occurrence
    moved across the spring DST change, one cancelled; a monthly network meeting; a rule
    Outlook cannot map; a one-off info day; an internal meeting; an RDATE-only series."""
    tartu = make_org("tartu", name="Tartu linn")
    club = make_series(
        "tartu-club-et",
        org=tartu,
        title="Eesti keele klubi",
        title_en="Estonian club",
        pauses=["2024-07-01/2024-09-30"],
        holiday_policy="skip",
        location="Tartu Raamatukogu",
        languages=["et", "en"],
        rule="FREQ=WEEKLY;BYDAY=TU",
    )
    meeting = make_series(
        "tartu-network",
        org=tartu,
        title="Võrgustiku kohtumine",
        event_type="network_meeting",
        rule="FREQ=MONTHLY;BYDAY=1TH",
        at=datetime(2024, 1, 1, 10, 0).time(),
        pauses=["2024-07-01/2024-09-30"],
    )
    make_series(
        "tartu-odd",
        org=tartu,
        title="Paaritu reegel",
        event_type="other",
        rule="FREQ=WEEKLY;BYDAY=WE;BYMONTH=1,2,3,4,5,6,10,11,12",
        at=datetime(2024, 1, 1, 16, 0).time(),
    )
    make_series(
        "elvl-info-day",
        org=make_org("elvl", name="ELVL"),
        title="Maakondlik infopäev",
        event_type="info_day",
        rule=None,
        start=date(2024, 10, 29),
        at=datetime(2024, 1, 1, 11, 0).time(),
    )
    make_series(
        "tartu-internal",
        org=tartu,
        title="Sisekoosolek",
        event_type="network_meeting",
        is_public=False,
        rule="FREQ=MONTHLY;BYMONTHDAY=15",
    )
    make_series(
        "tartu-rdates",
        org=tartu,
        title="Õppereis",
        event_type="study_trip",
        rule=None,
        start=date(2024, 5, 14),
        rdates=["2024-06-11T09:00", "2024-11-12T09:00"],
        at=datetime(2024, 1, 1, 9, 0).time(),
    )
    for series in db.session.scalars(db.select(type(club))).all():
        expand(series)
    moved = occurrence_at(club, tallinn(2024, 3, 26, 18, 0))
    move_occurrence(moved, tallinn(2024, 4, 3, 18, 0))
    cancel_occurrence(occurrence_at(club, tallinn(2024, 2, 13, 18, 0)), reason="room unavailable")
    db.session.commit()
    return {"club": club, "meeting": meeting}
