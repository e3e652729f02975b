"""What render_calendar writes reads back as the same events, in the same bytes every time."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from feeds_helpers import YEAR_2024

from scheduler.feeds.ical import FeedCalendar, FeedEvent, Organizer, render_calendar

TALLINN = ZoneInfo("Europe/Tallinn")


def tallinn(*args) -> datetime:
    return datetime(*args, tzinfo=TALLINN).astimezone(UTC)


MASTER = FeedEvent(
    uid="tartu-club@elvl-scheduler.ee",
    start=tallinn(2024, 3, 5, 18),
    end=tallinn(2024, 3, 5, 19, 30),
    tz="Europe/Tallinn",
    summary="Eesti keele klubi; algajad, edasijõudnud \\ kõik",
    sequence=2,
    modified=datetime(2024, 2, 1, 9, 30, 15, 123456, tzinfo=UTC),
    description="Rida üks\nRida kaks, koma; semikoolon\r\nЯзыковой клуб — " + "ü" * 80,
    location="Tartu Raamatukogu, Kompanii 3a",
    url="https://example.ee/klubi?x=1&y=2",
    categories=("Klubi",),
    organizer=Organizer("juht@example.ee", 'MTÜ "Tartu": keeleklubi, Tartu'),
    rule="FREQ=WEEKLY;INTERVAL=1;UNTIL=20240430T150000Z;BYDAY=TU",
    exdates=(tallinn(2024, 4, 16, 18), tallinn(2024, 3, 12, 18)),
)
# moved across the spring DST change: the RECURRENCE-ID stays in the master's zone
OVERRIDE = replace(
    MASTER,
    start=tallinn(2024, 4, 3, 18),
    end=tallinn(2024, 4, 3, 19, 30),
    sequence=3,
    rule=None,
    exdates=(),
    recurrence_id=tallinn(2024, 3, 26, 18),
)
CANCELLED = FeedEvent(
    uid="info-day-20241029T090000Z@elvl-scheduler.ee",
    start=tallinn(2024, 10, 29, 11),
    end=tallinn(2024, 10, 29, 13),
    tz="Europe/Tallinn",
    summary="Maakondlik infopäev",
    sequence=1,
    modified=datetime(2024, 10, 1, tzinfo=UTC),
    cancelled=True,
)
ABROAD = FeedEvent(
    uid="study-trip@elvl-scheduler.ee",
    start=datetime(2024, 11, 3, 14, 30, tzinfo=UTC),
    end=datetime(2024, 11, 3, 16, tzinfo=UTC),
    tz="America/New_York",
    summary="Õppereis",
    sequence=0,
    modified=datetime(2024, 10, 2, tzinfo=UTC),
    categories=("Õppereis", "Rahvusvaheline"),
)
CALENDAR = FeedCalendar(
    name="ELVL: Tartu linn, avalikud; testid",
    tz="Europe/Tallinn",
    events=(MASTER, OVERRIDE, CANCELLED, ABROAD),
    description="Kõik sündmused, ka tühistatud",
    refresh=timedelta(hours=3),
)


def parsed_events(body: bytes) -> dict[tuple, dict]:
    calendar = icalendar.Calendar.from_ical(body)
    found = {}
    for event in calendar.walk("VEVENT"):
        recurrence_id = event.get("RECURRENCE-ID")
        key = (str(event["UID"]), recurrence_id.dt.astimezone(UTC) if recurrence_id else None)
        assert key not in found, f"duplicate VEVENT {key}"
        found[key] = event
    return found


def assert_reads_back_as(event: icalendar.Event, expected: FeedEvent) -> None:
    for name, moment in (("DTSTART", expected.start), ("DTEND", expected.end)):
        value = event[name]
        assert value.params["TZID"] == expected.tz
        assert value.dt == moment and value.dt.utcoffset() is not None
    assert str(event["SUMMARY"]) == expected.summary
    # a CRLF inside a text reads back as one line break, as RFC 5545 TEXT has it
    description = expected.description and expected.description.replace("\r\n", "\n")
    assert event.get("DESCRIPTION") == description
    assert event.get("LOCATION") == expected.location
    assert event.get("URL") == expected.url
    if expected.categories:
        assert tuple(event["CATEGORIES"].cats) == expected.categories
    assert event["SEQUENCE"] == expected.sequence
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        assert event[name].dt == expected.modified.replace(microsecond=0)
    assert str(event["STATUS"]) == ("CANCELLED" if expected.cancelled else "CONFIRMED")
    if expected.organizer:
        organizer = event["ORGANIZER"]
        assert str(organizer) == f"mailto:{expected.organizer.email}"
        assert organizer.params.get("CN") == expected.organizer.name
    else:
        assert "ORGANIZER" not in event
    if expected.rule:
        rule = event["RRULE"]
        assert rule["UNTIL"][0] == datetime(2024, 4, 30, 15, tzinfo=UTC)
        assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU"]
    else:
        assert "RRULE" not in event
    exdates = event.get("EXDATE")
    if expected.exdates:
        assert exdates.params["TZID"] == expected.tz
        assert [d.dt for d in exdates.dts] == sorted(expected.exdates)
    else:
        assert exdates is None


def test_feed_round_trips_through_icalendar_with_the_same_events():
    found = parsed_events(render_calendar(CALENDAR))
    assert set(found) == {(e.uid, e.recurrence_id) for e in CALENDAR.events}, (
        "every event once, nothing else"
    )
    for expected in CALENDAR.events:
        event = found[(expected.uid, expected.recurrence_id)]
        assert_reads_back_as(event, expected)
        if expected.recurrence_id:
            assert event["RECURRENCE-ID"].params["TZID"] == "Europe/Tallinn"


def test_calendar_properties_and_one_vtimezone_per_zone_before_the_events():
    body = render_calendar(CALENDAR)
    calendar = icalendar.Calendar.from_ical(body)
    # NAME and X-WR-CALNAME are TEXT, so escaped; icalendar 7.3 reads them back raw
    for name in ("NAME", "X-WR-CALNAME"):
        assert str(calendar[name]) == "ELVL: Tartu linn\\, avalikud\\; testid"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=3)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [
        "America/New_York",
        "Europe/Tallinn",
    ]
    text = body.decode()
    assert text.rindex("END:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert calendar.get_missing_tzids() == set()


def test_tallinn_vtimezone_is_the_plain_yearly_rule_form():
    calendar = icalendar.Calendar.from_ical(render_calendar(CALENDAR))
    (zone,) = [tz for tz in calendar.walk("VTIMEZONE") if tz["TZID"] == "Europe/Tallinn"]
    parts = {part.name: part for part in zone.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}
    summer, winter = parts["DAYLIGHT"], parts["STANDARD"]
    assert summer["RRULE"].to_ical() in (
        b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        b"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    )
    assert winter["RRULE"]["BYMONTH"] == [10] and winter["RRULE"]["BYDAY"] == ["-1SU"]
    assert summer["TZOFFSETTO"].td == timedelta(hours=3)
    assert winter["TZOFFSETTO"].td == timedelta(hours=2)
    assert summer["DTSTART"].dt.tzinfo is None  # local wall clock, as RFC 5545 wants


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_data_in_any_order_gives_the_same_bytes(seed):
    shuffler = random.Random(seed)
    events = list(CALENDAR.events)
    shuffler.shuffle(events)
    exdates = list(MASTER.exdates)
    shuffler.shuffle(exdates)
    events = [replace(e, exdates=tuple(exdates)) if e is MASTER else e for e in events]
    shuffled = replace(CALENDAR, events=tuple(events))
    assert render_calendar(shuffled) == render_calendar(CALENDAR)


def test_no_line_is_longer_than_75_octets_and_lines_end_in_crlf():
    body = render_calendar(CALENDAR)
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_served_feed_round_trips_with_the_events_it_was_built_from(app, club_calendar):
    """The real feeds of the fixture, both modes: what icalendar reads back is exactly the
    FeedCalendar the service built."""
    from werkzeug.datastructures import MultiDict

    from scheduler.feeds.service import build_calendar, feed_request

    for mode in ("occurrences", "series"):
        with app.test_request_context():
            args = MultiDict({**YEAR_2024, "mode": mode, "cancelled": "show"})
            calendar = build_calendar(feed_request("org", "tartu", args))
        found = parsed_events(render_calendar(calendar))
        assert len(found) == len(calendar.events), mode
        for expected in calendar.events:
            event = found[(expected.uid, expected.recurrence_id)]
            assert event["DTSTART"].dt == expected.start, (mode, expected.uid)
            assert event["DTEND"].dt == expected.end, (mode, expected.uid)
            assert str(event["SUMMARY"]) == expected.summary
            assert event.get("DESCRIPTION") == expected.description
            assert event["SEQUENCE"] == expected.sequence
            assert str(event["STATUS"]) == ("CANCELLED" if expected.cancelled else "CONFIRMED")
            exdates = event.get("EXDATE")
            assert ([d.dt for d in exdates.dts] if exdates else []) == sorted(expected.exdates)


def test_an_event_that_cannot_be_written_is_left_out_and_logged(caplog):
    from scheduler.feeds.ical import write_calendar

    nowhere = replace(ABROAD, uid="nowhere@x", tz="Mars/Olympus_Mons", ref="event 7")
    garbled = replace(MASTER, uid="garbled@x", rule="FREQ=SOMETIMES;;", ref="series 8")
    calendar = replace(CALENDAR, events=(*CALENDAR.events, nowhere, garbled))
    with caplog.at_level("WARNING", logger="scheduler.feeds"):
        written = write_calendar(calendar)
    assert written.body == render_calendar(CALENDAR)  # as if they were never there
    assert written.written == 4 and sorted(written.skipped) == ["event 7", "series 8"]
    messages = [record.getMessage() for record in caplog.records]
    assert any("event 7" in message for message in messages)
    assert any("series 8" in message for message in messages)


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://example.ee/a?b=1&c=2#d", "https://example.ee/a?b=1&c=2#d"),
        ("http://example.ee/tänav", "http://example.ee/t%C3%A4nav"),
        ("http://e.x/\nX-INJ:yes", None),
        ("http://e.x/ X-INJ:yes", None),
        ("javascript:alert(1)", None),
        ("ftp://example.ee/file", None),
        ("mailto:someone@example.ee", None),
        ("https://", None),
        ("//example.ee/x", None),
    ],
)
def test_only_http_and_https_addresses_are_written_as_url(url, written):
    body = render_calendar(replace(CALENDAR, events=(replace(ABROAD, url=url),)))
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.get("URL") == written
    assert b"X-INJ" not in body


@pytest.mark.parametrize(
    "text",
    [
        "a\nX-INJ:yes",
        "a\r\nX-INJ:yes",
        "a\rX-INJ:yes",
        "a\x0bX-INJ:yes",
        "a\x0cX-INJ:yes",
        "a\x85X-INJ:yes",
        "a\u2028X-INJ:yes",
        "a\u2029X-INJ:yes",
        "a\x1eX-INJ:yes",
        "a\x00\x1b\x7f\x9bX-INJ:yes",
        "a\ud800X-INJ:yes",
    ],
)
def test_no_line_break_or_control_character_reaches_the_output(text):
    event = replace(
        ABROAD,
        summary=text,
        location=text,
        description=text,
        categories=(text,),
        organizer=Organizer("a@example.ee", text),
    )
    body = render_calendar(replace(CALENDAR, events=(event,)))
    lines = body.split(b"\r\n")
    assert not any(line.startswith(b"X-INJ") for line in lines)
    assert not any(ord(c) < 32 and c != "\t" for c in body.decode().replace("\r\n", ""))
    for char in ("\x85", "\u2028", "\u2029", "\x7f", "\x9b"):
        assert char not in body.decode()
    (parsed,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["SUMMARY"]).endswith("X-INJ:yes")
    assert "\n" not in str(parsed["SUMMARY"])
