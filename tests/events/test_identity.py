"""An occurrence keeps its UID for life, and calendars see every change as a new version.

Whatever changes — the series' time of day, its extra dates, its title, a split "from this
date on" — a client that imported an occurrence (a feed, a single .ics, a reminder's
attachment) finds the same UID with a higher SEQUENCE, never a ghost at the old time."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from factories import expand, make_series
from sqlalchemy import select

from scheduler.events.models import Event, EventStatus, Series
from scheduler.events.uids import event_uid
from scheduler.extensions import db

TALLINN = ZoneInfo("Europe/Tallinn")
YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01", "cancelled": "show"}


def _rows(series: Series) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.original_start)
    ).all()


def _feed(client) -> dict[str, icalendar.Event]:
    response = client.get("/feeds/all.ics", query_string=YEAR_2024)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(v["UID"]): v for v in calendar.walk("VEVENT")}


def _change(runner, key: str, *args: str) -> str:
    result = runner.invoke(args=["series", "change", key, *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_a_series_wide_time_change_keeps_every_uid_and_raises_each_sequence(client, runner):
    club = make_series("tartu-club", rule="FREQ=WEEKLY;BYDAY=TH;COUNT=21", start=date(2024, 1, 4))
    expand(club)
    db.session.commit()
    before = {e.id: (event_uid(e), e.sequence) for e in _rows(club)}
    assert len(before) == 21

    _change(runner, club.key, "--time", "19:30")

    after = _rows(club)
    assert {e.id: event_uid(e) for e in after} == {i: uid for i, (uid, _) in before.items()}
    assert all(e.start.astimezone(TALLINN).time() == time(19, 30) for e in after)
    vevents = _feed(client)
    for uid, sequence in before.values():
        assert uid in vevents, "the old UID is still the occurrence"
        assert vevents[uid]["DTSTART"].dt.astimezone(TALLINN).time() == time(19, 30)
        assert int(vevents[uid]["SEQUENCE"]) > sequence


def test_a_series_of_extra_dates_moves_every_date_with_its_time(runner):
    talks = make_series(
        "rakvere-talks",
        rule=None,
        start=date(2024, 2, 6),
        at=time(17, 0),
        rdates=["2024-04-09T17:00", "2024-10-08T17:00"],
    )
    expand(talks)
    db.session.commit()
    assert len(_rows(talks)) == 3

    _change(runner, talks.key, "--time", "16:15")

    starts = [e.start.astimezone(TALLINN) for e in _rows(talks)]
    assert [s.time() for s in starts] == [time(16, 15)] * 3
    assert [s.date() for s in starts] == [date(2024, 2, 6), date(2024, 4, 9), date(2024, 10, 8)]
    assert all(e.status == EventStatus.PLANNED for e in _rows(talks))
    assert talks.rdates == ["2024-04-09T16:15", "2024-10-08T16:15"]


def test_an_exception_follows_the_series_to_its_new_time(runner):
    club = make_series(
        "parnu-club", rule="FREQ=WEEKLY;BYDAY=TU;COUNT=4", exdates=["2024-01-09T18:00"]
    )
    expand(club)
    db.session.commit()

    _change(runner, club.key, "--time", "17:00")

    planned = [e for e in _rows(club) if e.status == EventStatus.PLANNED]
    assert date(2024, 1, 9) not in {e.start.astimezone(TALLINN).date() for e in planned}
    assert club.exdates == ["2024-01-09T17:00"]


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [("--title", "Eesti keele klubi (uus)", "SUMMARY"), ("--location", "Raamatukogu", "LOCATION")],
)
def test_a_series_wide_title_or_place_raises_every_occurrences_sequence(
    client, runner, option, value, shown
):
    club = make_series("tartu-club", rule="FREQ=WEEKLY;BYDAY=TU;COUNT=5", location="Raekoda")
    expand(club)
    db.session.commit()
    before = {uid: int(v["SEQUENCE"]) for uid, v in _feed(client).items()}

    _change(runner, club.key, option, value)

    after = _feed(client)
    assert set(after) == set(before)
    for uid, vevent in after.items():
        assert str(vevent[shown]) == value
        assert int(vevent["SEQUENCE"]) > before[uid]


def test_a_split_from_a_date_on_keeps_the_uids_of_the_later_occurrences(runner):
    club = make_series("tartu-club", rule="FREQ=WEEKLY;BYDAY=TH;COUNT=12", start=date(2024, 1, 4))
    expand(club)
    db.session.commit()
    uids = {e.id: event_uid(e) for e in _rows(club)}

    _change(runner, club.key, "--from", "2024-03-07", "--time", "18:30")

    new = db.session.scalars(select(Series).where(Series.split_from_id == club.id)).one()
    later = _rows(new)
    assert len(later) == 3 and len(_rows(club)) == 9
    assert {e.id: event_uid(e) for e in later} == {e.id: uids[e.id] for e in later}
    assert all(e.status == EventStatus.PLANNED for e in later)
    assert [e.start.astimezone(TALLINN).time() for e in later] == [time(18, 30)] * 3


def test_the_other_dates_of_a_split_series_are_its_new_dates_not_cancellations(client, runner):
    first = datetime.now(TALLINN).date()
    club = make_series(
        "tartu-club", rule="FREQ=WEEKLY;COUNT=6", start=first, bounds=None, title="Lauamängud"
    )
    expand(club)
    db.session.commit()
    rows = _rows(club)
    split_day = rows[3].start.astimezone(TALLINN).date()

    _change(runner, club.key, "--from", split_day.isoformat(), "--time", "19:45")

    page = client.get(f"/events/{rows[1].id}?lang=ru").get_data(as_text=True)
    others = page.split('id="others-heading"', 1)[1]
    for row in rows[2:]:
        assert f"/events/{row.id}" in others
    assert "19:45" in others
    assert "Отменено" not in others
