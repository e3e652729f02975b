"""The series editor over HTTP: who may use it, creating, editing (with the scope of a
change), the stale-form conflict, withdrawing, and the preview fragment."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, EventStatus, Series
from scheduler.events.service import cancel_occurrence, move_occurrence, record_outcome
from scheduler.events.uids import event_uid
from scheduler.extensions import db
from scheduler.history.models import ChangeRecord
from scheduler.mail.models import Reminder
from tests.factories import expand, make_series
from tests.series.conftest import next_weekday, today
from tests.support.people import fresh, signed_in

RAW = "FREQ=MONTHLY;BYDAY=TU,TH;BYSETPOS=-1;BYMONTH=1,2,3,10,11,12"


def form(world, **changes) -> dict:
    start = next_weekday(today(), 1)
    data = {
        "organisation": str(world["tartu"].id),
        "activity": "2.1",
        "event_type": "club",
        "title": "Eesti keele klubi",
        "title_en": "Estonian club",
        "title_ru": "Клуб эстонского языка",
        "description": "Vestlusklubi",
        "description_en": "A conversation club",
        "description_ru": "Разговорный клуб",
        "languages": ["et", "en"],
        "location": "Tartu Raamatukogu",
        "organisers": "leader@tartu.ee",
        "is_public": "y",
        "start_date": start.isoformat(),
        "start_time": "18:00",
        "duration": "90",
        "rule_kind": "weekly",
        "interval": "1",
        "weekdays": ["1"],
        "ordinal": "1",
        "ordinal_weekday": "1",
        "pauses": f"{start.year + 1}-07-01/{start.year + 1}-08-31",
        "holiday_policy": "skip",
        "end_kind": "never",
        "save": "1",
    }
    data.update(changes)
    return data


def edit_form(series: Series, **changes) -> dict:
    """What the editor shows for ``series``, as a browser would post it back."""
    from scheduler.series.forms import SeriesForm

    shown = SeriesForm(formdata=None, meta={"csrf": False})
    shown.setup(None, series)
    data = {}
    for field in shown:
        if field.name in ("csrf_token", "scope", "occurrence", "preview"):  # buttons not pressed
            continue
        value = field._value() if hasattr(field, "_value") else field.data
        if field.type in ("MultiCheckboxField",):
            value = [str(v) for v in field.data or []]
        elif field.type == "BooleanField":
            if not field.data:
                continue
            value = "y"
        elif field.type in ("SelectField", "RadioField"):
            value = "" if field.data is None else str(field.data)
        data[field.name] = value
    data["save"] = "1"
    data.update(changes)
    fresh()  # the form chose a language for its labels: let the next request choose anew
    return data


def events_of(series: Series) -> list[Event]:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.original_start)
    ).all()


def local_day(event: Event) -> date:
    return event.start.astimezone(zone()).date()


# --- who may ----------------------------------------------------------------------------


def test_the_editor_is_for_coordinators_and_admins_only(client, world):
    assert client.get("/series/new").status_code == 302  # sign in first
    signed_in(client, "viewer@elvl.ee", query="?lang=en")
    assert client.get("/series/new").status_code == 403
    assert client.get("/series/preview").status_code == 403
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    assert client.get("/series/new").status_code == 200
    signed_in(client, "admin@elvl.ee", query="?lang=en")
    assert client.get("/series/new").status_code == 200


def test_a_coordinator_of_another_organisation_gets_403_or_404(client, world):
    public = make_series("tartu-public", org=world["tartu"], bounds=None)
    internal = make_series("tartu-internal", org=world["tartu"], is_public=False, bounds=None)
    db.session.commit()
    signed_in(client, "coord@tallinn.ee", query="?lang=en")
    assert client.get(f"/series/{public.id}/edit").status_code == 403
    assert client.post(f"/series/{public.id}/edit", data=edit_form(public)).status_code == 403
    assert client.post(f"/series/{public.id}/withdraw").status_code == 403
    assert client.get(f"/series/{internal.id}/edit").status_code == 404
    assert client.get("/series/99999/edit").status_code == 404
    assert client.get(f"/series/preview?series={public.id}").status_code == 403
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    assert client.get(f"/series/{internal.id}/edit").status_code == 200


def test_a_coordinator_cannot_create_a_series_for_another_organisation(client, world):
    signed_in(client, "coord@tallinn.ee", query="?lang=en")
    response = client.post("/series/new", data=form(world))
    assert response.status_code == 422
    assert db.session.scalar(select(Series.id)) is None
    preview = client.get("/series/preview", query_string=form(world))
    assert preview.status_code == 403


# --- creating -----------------------------------------------------------------------------


def test_a_coordinator_creates_a_weekly_club_with_a_summer_pause(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post("/series/new?lang=en", data=form(world))
    assert response.status_code == 200, response.data[:2000]
    series = db.session.scalars(select(Series)).one()
    assert (series.key, series.rule, series.holiday_policy) == (
        "tartu-eesti-keele-klubi",
        "FREQ=WEEKLY;BYDAY=TU",
        "skip",
    )
    assert series.activity.code == "2.1" and series.organisers == ["leader@tartu.ee"]
    assert (series.description, series.description_en, series.description_ru) == (
        "Vestlusklubi",
        "A conversation club",
        "Разговорный клуб",
    )
    assert (series.bound_start, series.bound_end) == (date(2023, 1, 1), date(2029, 12, 31))
    events = events_of(series)
    assert events and all(e.start.astimezone(zone()).weekday() == 1 for e in events)
    pause_year = series.start_date.year + 1
    assert not [
        e for e in events if local_day(e).year == pause_year and local_day(e).month in (7, 8)
    ]
    reminders = db.session.scalars(select(Reminder).where(Reminder.event_id == events[0].id)).all()
    assert {r.recipient for r in reminders} == {"leader@tartu.ee"}
    fresh()
    in_russian = client.get(f"/events/{events[0].id}?lang=ru").get_data(as_text=True)
    assert "Разговорный клуб" in in_russian and "Vestlusklubi" not in in_russian


def test_a_form_with_errors_is_shown_again_with_them(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        "/series/new?lang=en", data=form(world, rule_kind="raw", raw_rule="FREQ=SOMETIMES")
    )
    assert response.status_code == 422
    assert b"FREQ" in response.data and b"Eesti keele klubi" in response.data
    assert db.session.scalar(select(Series.id)) is None


# --- editing ------------------------------------------------------------------------------


def test_a_raw_rule_survives_an_edit_of_the_title_byte_for_byte(client, world):
    series = make_series("tartu-raw", org=world["tartu"], rule=RAW, bounds=None)
    expand(series)
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    page = client.get(f"/series/{series.id}/edit?lang=en").data.decode()
    assert RAW in page
    data = edit_form(series, title="Uus pealkiri")
    assert data["rule_kind"] == "raw" and data["raw_rule"] == RAW
    response = client.post(f"/series/{series.id}/edit", data={**data, "scope": "all"})
    assert response.status_code == 200, response.data[:3000]
    db.session.expire_all()
    assert (series.title, series.rule) == ("Uus pealkiri", RAW)


def test_saving_unchanged_controls_keeps_the_stored_rule_text(client, world):
    stored = "BYDAY=TU;FREQ=WEEKLY;INTERVAL=1"
    series = make_series("tartu-order", org=world["tartu"], rule=stored, bounds=None)
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    data = edit_form(series, description="Uus kirjeldus")
    assert data["rule_kind"] == "weekly"
    assert client.post(f"/series/{series.id}/edit", data=data).status_code == 200
    db.session.expire_all()
    assert (series.rule, series.description) == (stored, "Uus kirjeldus")


def _reapplied(page: str) -> dict:
    """What the conflict page's "apply my version" button posts."""
    form = page[page.index('<form method="post"', page.index('class="conflict-actions"')) :]
    form = form[: form.index("</form>")]
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        data.setdefault(name, []).append(html.unescape(value))
    return data


def test_a_stale_form_gets_the_conflict_page_and_saves_nothing(client, world):
    series = make_series("tartu-stale", org=world["tartu"], bounds=None)
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    mine = edit_form(series, title="Minu pealkiri")
    theirs = edit_form(series, title="Nende pealkiri")
    assert mine["version"] == "1"
    assert (
        client.post(f"/series/{series.id}/edit", data={**theirs, "scope": "all"}).status_code == 200
    )
    records = db.session.scalar(select(func.count(ChangeRecord.id)))
    theirs_record = db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.action == "changed")
    ).one()
    assert theirs_record.version == 2  # the revision their change made
    fresh()
    response = client.post(f"/series/{series.id}/edit?lang=en", data={**mine, "scope": "all"})
    assert response.status_code == 409
    page = response.text
    assert "Changed in the meantime" in page and '<html lang="en">' in page
    assert "Your version" in page and "Current version" in page
    assert "Minu pealkiri" in page and "Nende pealkiri" in page  # yours and the saved title
    assert "Changes since you opened the form" in page
    assert f'href="/series/{series.id}/edit" id="reload-current"' in page
    db.session.expire_all()
    assert series.title == "Nende pealkiri" and series.revision == 2
    assert db.session.scalar(select(func.count(ChangeRecord.id))) == records


def test_the_conflict_page_reapplies_your_version_over_the_saved_one(client, world):
    series = make_series("tartu-stale", org=world["tartu"], bounds=None)
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    mine = edit_form(series, title="Minu pealkiri")
    theirs = edit_form(series, title="Nende pealkiri", location="Narva")
    client.post(f"/series/{series.id}/edit", data={**theirs, "scope": "all"})
    fresh()
    page = client.post(f"/series/{series.id}/edit", data={**mine, "scope": "all"}).text
    again = _reapplied(page)
    assert again["version"] == ["2"] and again["title"] == ["Minu pealkiri"]

    fresh()
    response = client.post(f"/series/{series.id}/edit", data=again)
    assert response.status_code == 200
    db.session.expire_all()
    assert (series.title, series.revision) == ("Minu pealkiri", 3)


def _club_with_history(world):
    """A weekly club started six weeks ago: two past events held, one of the coming ones
    moved by hand to the next day, one cancelled by hand."""
    now = utcnow()
    first = next_weekday(today() - timedelta(weeks=6), 1)
    club = make_series(
        "tartu-club", org=world["tartu"], start=first, bounds=None, organisers=["leader@tartu.ee"]
    )
    expand(club, now + timedelta(days=400))
    events = events_of(club)
    past = [e for e in events if e.end <= now]
    future = [e for e in events if e.start > now]
    record_outcome(past[0], held=True, attendance=12)
    record_outcome(past[1], held=True, attendance=9)
    moved = future[3]
    move_occurrence(moved, moved.start + timedelta(days=1))
    cancel_occurrence(future[5], reason="room")
    db.session.commit()
    return club, past, future


def test_changing_the_time_asks_which_events_it_applies_to(client, world):
    club, _past, future = _club_with_history(world)
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        f"/series/{club.id}/edit?lang=en", data=edit_form(club, start_time="19:00")
    )
    assert response.status_code == 422
    assert b"Choose which events the change applies to." in response.data
    db.session.expire_all()
    assert club.start_time == time(18, 0)


def test_this_and_following_splits_the_series_and_keeps_what_was_done_by_hand(client, world):
    club, past, future = _club_with_history(world)
    before = {(e.id, e.start, e.status, e.attendance) for e in events_of(club)}
    uids_before = {e.id: event_uid(e) for e in events_of(club)}
    split_from = future[2]
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        f"/series/{club.id}/edit?lang=en",
        data=edit_form(club, start_time="19:00", scope="following", occurrence=str(split_from.id)),
    )
    assert response.status_code == 200, response.data[:3000]
    page = response.data.decode()
    db.session.expire_all()
    new = db.session.scalars(select(Series).where(Series.id != club.id)).one()
    split_day = local_day(split_from)
    assert new.start_date == split_day and new.start_time == time(19, 0)
    assert new.split_from_id == club.id
    assert club.bound_end == split_day - timedelta(days=1) and "UNTIL=" in club.rule
    old_rows = events_of(club)
    untouched = {
        (e.id, e.start, e.status, e.attendance) for e in old_rows if local_day(e) < split_day
    }
    assert untouched == {row for row in before if row[1].astimezone(zone()).date() < split_day}
    assert [e.attendance for e in old_rows if e.status == EventStatus.HELD] == [12, 9]
    assert [e for e in old_rows if local_day(e) >= split_day] == [], "later ones moved on"
    moved, cancelled = future[3], future[5]
    assert db.session.get(Event, moved.id).start == moved.start  # kept as it was
    assert db.session.get(Event, cancelled.id).status == EventStatus.CANCELLED
    assert f"/events/{moved.id}" in page and f"/events/{cancelled.id}" in page
    new_rows = events_of(new)
    later_ids = {row[0] for row in before if row[1].astimezone(zone()).date() >= split_day}
    assert later_ids <= {e.id for e in new_rows}, "the same occurrences, in the new series"
    assert all(event_uid(e) == uids_before[e.id] for e in new_rows if e.id in uids_before)
    plain = [e for e in new_rows if not e.is_overridden]
    assert plain and all(e.start.astimezone(zone()).time() == time(19, 0) for e in plain)
    assert all(e.status == EventStatus.PLANNED for e in plain)
    days = [local_day(e) for e in new_rows]
    assert split_day in days
    assert len(days) == len(set(days)), "no double booking"
    reminded = db.session.scalars(select(Reminder).where(Reminder.event_id == plain[0].id)).all()
    assert reminded, "the moved events are still reminded"


def test_only_this_event_moves_one_occurrence(client, world):
    club, _past, future = _club_with_history(world)
    target = future[1]
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        f"/series/{club.id}/edit",
        data=edit_form(club, start_time="20:00", scope="one", occurrence=str(target.id)),
    )
    assert response.status_code == 200, response.data[:3000]
    db.session.expire_all()
    assert club.start_time == time(18, 0)
    changed = db.session.get(Event, target.id)
    assert changed.start.astimezone(zone()).time() == time(20, 0) and changed.is_overridden
    assert db.session.get(Event, future[2].id).start == future[2].start


def test_all_events_moves_the_plain_ones_and_lists_the_moved_one(client, world):
    club, past, future = _club_with_history(world)
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        f"/series/{club.id}/edit", data=edit_form(club, start_time="17:30", scope="all")
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, future[0].id).start.astimezone(zone()).time() == time(17, 30)
    assert db.session.get(Event, future[3].id).start == future[3].start
    assert db.session.get(Event, past[0].id).start == past[0].start  # held: untouched
    assert f"/events/{future[3].id}".encode() in response.data


def test_withdrawing_cancels_the_coming_events_and_keeps_the_past(client, world):
    club, past, future = _club_with_history(world)
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(f"/series/{club.id}/withdraw", data={"version": str(club.revision)})
    assert response.status_code == 200
    rows = events_of(club)
    assert all(
        e.status == EventStatus.CANCELLED
        for e in rows
        if e.start > utcnow() and e.id != future[3].id
    )
    assert [e.status for e in rows if e.id in (past[0].id, past[1].id)] == [EventStatus.HELD] * 2
    assert club.bound_end < today()


def test_withdrawing_from_a_stale_page_gets_the_conflict_page_and_cancels_nothing(client, world):
    club, _past, future = _club_with_history(world)
    opened = str(club.revision)
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    changed = edit_form(club, description="Uus kirjeldus", scope="all")
    assert client.post(f"/series/{club.id}/edit", data=changed).status_code == 200
    fresh()
    response = client.post(f"/series/{club.id}/withdraw?lang=en", data={"version": opened})
    assert response.status_code == 409
    assert "Changed in the meantime" in response.text and "Withdraw the series" in response.text
    db.session.expire_all()
    assert club.bound_end is None
    assert db.session.get(Event, future[0].id).status == EventStatus.PLANNED

    fresh()
    again = _reapplied(response.text)
    assert again["version"] == [str(club.revision)] and again.keys() <= {"version", "csrf_token"}
    assert client.post(f"/series/{club.id}/withdraw", data=again).status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, future[0].id).status == EventStatus.CANCELLED


# --- preview ----------------------------------------------------------------------------


def test_the_preview_fragment_shows_dates_description_and_a_clash_in_any_organisation(
    client, world
):
    start = next_weekday(today(), 1)
    other = make_series(
        "tallinn-talk",
        org=world["tallinn"],
        title="Tallinna loeng",
        start=start + timedelta(weeks=2),
        at=time(18, 30),
        rule=None,
        bounds=None,
        location="tartu raamatukogu",
    )
    expand(other)
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.get("/series/preview", query_string={**form(world), "lang": "en"})
    assert response.status_code == 200
    page = response.data.decode()
    assert "<html" not in page, "a fragment, not a page"
    assert "every Tuesday at 18:00" in page
    assert "Tallinna loeng" in page and "the same place" in page
    assert f"{start.year + 1}" in page and "Paused" in page


# --- feeds across a split ----------------------------------------------------------------


def feed_readings(client, mode: str) -> set[tuple[datetime, str]]:
    """What two independent parsers read from Tartu's feed around today (they must agree)."""
    import icalendar
    import recurring_ical_events
    from ical.calendar_stream import IcsCalendarStream

    from scheduler.core.time import local_midnight

    first, last = today() - timedelta(days=60), today() + timedelta(days=300)
    body = client.get(
        "/feeds/org/tartu.ics",
        query_string={"from": first.isoformat(), "to": last.isoformat(), "mode": mode},
    ).data
    start, end = local_midnight(first), local_midnight(last)
    one = {
        (event["DTSTART"].dt.astimezone(UTC), str(event["SUMMARY"]))
        for event in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(
            start, end
        )
    }
    calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    other = {
        (event.start.astimezone(UTC), event.summary)
        for event in calendar.timeline_tz(UTC)
        if start <= event.start < end
    }
    assert one == other, "the two parsers disagree"
    return one


@pytest.mark.parametrize("mode", ["occurrences", "series"])
def test_feeds_read_the_same_instants_after_a_split_except_the_changed_ones(client, world, mode):
    from scheduler.core.time import local_midnight

    club, _past, future = _club_with_history(world)
    before = feed_readings(client, mode)
    split_from, moved = future[2], future[3]
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post(
        f"/series/{club.id}/edit",
        data=edit_form(club, start_time="19:00", scope="following", occurrence=str(split_from.id)),
    )
    assert response.status_code == 200
    after = feed_readings(client, mode)
    split = local_midnight(local_day(split_from))
    assert {i for i in before if i[0] < split} == {i for i in after if i[0] < split}
    kept = (moved.start, club.title)
    assert kept in before and kept in after
    changed = {i for i in before if i[0] >= split} - {kept}
    assert changed and not changed & after
    assert {i[0].astimezone(zone()).time() for i in after - before} == {time(19, 0)}
    assert len(after - before) == len(changed)  # one new event for each changed one


@pytest.mark.parametrize("by", ["location", "organisers"])
def test_the_preview_lists_no_clash_with_another_organisations_internal_meeting(client, world, by):
    start = next_weekday(today(), 1)
    internal = make_series(
        "tartu-agencies",
        org=world["tartu"],
        title="Ametite võrgustik XQ-41",
        start=start + timedelta(weeks=1),
        at=time(18, 30),
        rule=None,
        bounds=None,
        event_type="network_meeting",
        location="Tartu Linnavalitsus, Raekoja plats 1",
        organisers=["hush@tartu.ee"],
        is_public=False,
    )
    expand(internal)
    db.session.commit()
    query = {
        **form(world, organisation=str(world["tallinn"].id)),
        "location": "Tartu Linnavalitsus, Raekoja plats 1" if by == "location" else "Mujal",
        "organisers": "hush@tartu.ee" if by == "organisers" else "leader@tallinn.ee",
        "lang": "en",
    }

    signed_in(client, "coord@tallinn.ee", query="?lang=en")
    other = client.get("/series/preview", query_string=query).get_data(as_text=True)
    fresh()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    own = client.get(
        "/series/preview", query_string={**query, "organisation": str(world["tartu"].id)}
    ).get_data(as_text=True)

    assert "XQ-41" not in other and "18:30" not in other and "hush@tartu.ee" not in other
    assert "No clashes" in other
    assert "XQ-41" in own  # its own organisation's coordinator is warned


def test_the_editor_and_its_preview_name_the_working_languages_in_the_page_language(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    preview = client.get("/series/preview", query_string={**form(world), "lang": "ru"}).text
    fresh()
    editor = client.get("/series/new?lang=ru").text

    assert "рабочие языки: эстонский, английский" in preview.lower()
    assert "et, en" not in preview
    assert re.search(r'value="ru"[^>]*>\s*<label for="[^"]+">русский</label>', editor)
