"""One occurrence, every surface: the same title, times, status, reason, place and UID.

A small programme is built once per database (a module-scoped app): occurrences that are
planned, moved (also across a daylight-saving change), cancelled with a reason, not held and
held; both sides of a split series; a series after a series-wide time change; an RDATE
series; an imported event; an internal event (seen by its coordinator); an online event.
For each, in et, en and ru, the public page, its JSON-LD, /api/events and /api/events/<id>,
the widget, the "all" and the organisation feed, the single .ics and the reminder mail are
read back as a visitor's software reads them and compared with what a person expects.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from flask import g
from flask_babel import refresh
from sqlalchemy import select

from config import TestConfig
from scheduler import create_app
from scheduler.accounts.models import Role, User
from scheduler.calendars.importer import import_new_calendar
from scheduler.events.models import Event, Series
from scheduler.events.service import cancel_occurrence, move_occurrence, record_outcome
from scheduler.events.uids import event_uid
from scheduler.extensions import db
from scheduler.feeds.models import issue_token
from scheduler.mail.message import when_text
from scheduler.mail.models import Reminder, ReminderKind
from scheduler.organisations.models import OrganisationKind
from scheduler.reminders.emails import build_mail
from tests.factories import expand, make_org, make_series
from tests.support.people import PASSWORD
from tests.support.world import add_people

TALLINN = ZoneInfo("Europe/Tallinn")
LANGUAGES = ("et", "en", "ru")
BASE = "http://127.0.0.1:5000"

CLUB = {"et": "Lauamängude klubi", "en": "Board games club", "ru": "Клуб настольных игр"}
CLUB_PLACE = "Raekoja plats 1, Tartu"
# Only in English: Estonian and Russian readers get the English text (the one fallback chain)
CLUB_ABOUT = "Bring a friend and a game."
REASON = {
    "et": "Saal on remondis",
    "en": "The hall is being renovated",
    "ru": "The hall is being renovated",  # no Russian version: English, then Estonian
}


def today() -> date:
    return datetime.now(TALLINN).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TALLINN)


def next_dst_change(after: date) -> date:
    """The first day after ``after`` whose evening has another UTC offset than its morning
    (the last Sunday of March or October)."""
    day = after
    while at(day, 1).utcoffset() == at(day, 23).utcoffset():
        day += timedelta(days=1)
    return day


@dataclass
class Case:
    """One occurrence and what every surface must say of it."""

    name: str
    event_id: int = 0
    titles: dict = field(default_factory=dict)  # language -> title
    place: str | None = None
    status: str = "planned"  # planned, held, not_held, cancelled
    reasons: dict = field(default_factory=dict)  # language -> reason (cancelled only)
    moved_from: str | None = None  # local ISO start it was planned for
    uid_before: str | None = None  # the UID it had before a series change
    public: bool = True
    start: str = ""  # local ISO, with offset
    end: str = ""
    uid: str = ""
    others: list = field(default_factory=list)  # (local ISO start, cancelled) of other dates
    about: dict = field(default_factory=dict)  # language -> series description
    rule_times: tuple = ()  # times of day the rule text of the calendar files names


# ---------------------------------------------------------------------------------------------
# The world, once per database


def _rows(series: Series) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event).where(Event.series_id == series.id).order_by(Event.start, Event.id)
        )
    )


def _change(app, key: str, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["series", "change", key, *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


UPSTREAM = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Tartu//Upstream//EN
BEGIN:VEVENT
UID:linnapaev-{day:%Y%m%d}@tartu.example
DTSTAMP:20240101T000000Z
DTSTART:{start:%Y%m%dT%H%M%SZ}
DTEND:{end:%Y%m%dT%H%M%SZ}
SUMMARY:Linnapäev
LOCATION:Keskväljak
END:VEVENT
END:VCALENDAR
"""


def build_world(app) -> dict[str, Case]:
    first = today() + timedelta(days=7)
    tartu = make_org("tartu", name="Tartu linn", name_en="Tartu city", name_ru="город Тарту")
    make_org("elvl", OrganisationKind.IMPLEMENTER, name="Eesti Linnade ja Valdade Liit")
    people = [(f"reader-{code}@example.ee", Role.VIEWER, None, code) for code in LANGUAGES]
    add_people([*people, ("coord@tartu.ee", Role.COORDINATOR, "tartu", "et")], {"tartu": tartu})
    cases: dict[str, Case] = {}

    def series(key, **fields):
        fields.setdefault("bounds", None)
        made = make_series(key, org=tartu, organisers=["klubi@tartu.ee"], **fields)
        expand(made, datetime.now(UTC) + timedelta(days=500))
        return made

    club = series(
        "club",
        rule="FREQ=WEEKLY;COUNT=6",
        start=first,
        at=time(18, 0),
        title=CLUB["et"],
        title_en=CLUB["en"],
        title_ru=CLUB["ru"],
        description_en=CLUB_ABOUT,
        location=CLUB_PLACE,
        languages=["et", "en"],
    )
    planned, cancelled, moved = _rows(club)[:3]
    cancel_occurrence(cancelled, REASON["et"], translations={"en": REASON["en"]})
    moved_from = moved.start.astimezone(TALLINN).isoformat()
    move_occurrence(moved, moved.start + timedelta(days=1, hours=1))
    about = dict.fromkeys(LANGUAGES, CLUB_ABOUT)
    club_common = {"titles": CLUB, "place": CLUB_PLACE, "about": about}
    cases["planned"] = Case("planned", planned.id, **club_common)
    cases["cancelled"] = Case(
        "cancelled", cancelled.id, status="cancelled", reasons=REASON, **club_common
    )
    cases["moved"] = Case("moved", moved.id, moved_from=moved_from, **club_common)

    change = next_dst_change(first + timedelta(days=3))
    info_day = series(
        "info-day", rule=None, start=change - timedelta(days=2), at=time(18, 0), title="Infopäev"
    )
    (dst,) = _rows(info_day)
    dst_from = dst.start.astimezone(TALLINN).isoformat()
    move_occurrence(dst, at(change + timedelta(days=3), 18), at(change + timedelta(days=3), 20))
    cases["moved across DST"] = Case(
        "moved across DST",
        dst.id,
        titles=dict.fromkeys(LANGUAGES, "Infopäev"),
        moved_from=dst_from,
    )

    past = series(
        "past-club",
        rule="FREQ=WEEKLY;COUNT=2",
        start=today() - timedelta(days=15),
        at=time(10, 0),
        title="Eakate klubi",
        title_ru="Клуб пожилых",
        location="Päevakeskus",
    )
    held, not_held = _rows(past)
    record_outcome(held, held=True, attendance=12)
    record_outcome(not_held, held=False)
    past_titles = {"et": "Eakate klubi", "en": "Eakate klubi", "ru": "Клуб пожилых"}
    for name, row, status in (("held", held, "held"), ("not held", not_held, "not_held")):
        cases[name] = Case(name, row.id, titles=past_titles, place="Päevakeskus", status=status)

    split = series(
        "split-club",
        rule="FREQ=WEEKLY;COUNT=5",
        start=first + timedelta(days=1),
        at=time(17, 0),
        title="Keelekohvik",
        title_en="Language café",
        location="Raamatukogu",
    )
    split_rows = _rows(split)
    split_uids = {row.id: event_uid(row) for row in split_rows}
    split_starts = {row.id: row.start.astimezone(TALLINN).isoformat() for row in split_rows}
    split_day = split_rows[2].start.astimezone(TALLINN).date()
    _change(app, split.key, "--from", split_day.isoformat(), "--time", "19:00")
    later = db.session.scalars(select(Series).where(Series.split_from_id == split.id)).one()
    cafe = {"et": "Keelekohvik", "en": "Language café", "ru": "Language café"}
    before, after = _rows(split)[0], _rows(later)[0]
    for name, row in (("split, earlier part", before), ("split, later part", after)):
        cases[name] = Case(name, row.id, titles=cafe, place="Raamatukogu")
        cases[name].uid_before = split_uids.get(row.id)
        cases[name].rule_times = ("17:00", "19:00")  # both parts: it goes on after the split
    # the later part was published at 17:00 before the split moved it to 19:00
    cases["split, later part"].moved_from = split_starts[after.id]

    retimed = series(
        "retimed",
        rule="FREQ=WEEKLY;COUNT=3",
        start=first + timedelta(days=2),
        at=time(12, 0),
        title="Nõustamine",
        title_en="Counselling",
        title_ru="Консультации",
        location="Raekoda",
    )
    first_retimed = _rows(retimed)[0]
    retimed_uid = event_uid(first_retimed)
    retimed_from = first_retimed.start.astimezone(TALLINN).isoformat()
    _change(app, retimed.key, "--time", "13:00")
    cases["after a series-wide time change"] = Case(
        "after a series-wide time change",
        first_retimed.id,
        titles={"et": "Nõustamine", "en": "Counselling", "ru": "Консультации"},
        place="Raekoda",
        uid_before=retimed_uid,
        moved_from=retimed_from,
    )

    rdates = series(
        "talks",
        rule=None,
        start=first + timedelta(days=3),
        at=time(16, 0),
        rdates=[f"{first + timedelta(days=17)}T16:00", f"{first + timedelta(days=31)}T16:00"],
        title="Loengud",
        title_en="Talks",
        location="Ülikooli 18",
    )
    cases["in an RDATE series"] = Case(
        "in an RDATE series",
        _rows(rdates)[1].id,
        titles={"et": "Loengud", "en": "Talks", "ru": "Talks"},
        place="Ülikooli 18",
    )

    day = first + timedelta(days=4)
    start = at(day, 15).astimezone(UTC)
    upstream = UPSTREAM.format(day=day, start=start, end=start + timedelta(hours=2))
    calendar, _report = import_new_calendar(
        "upload:linnapaev.ics", tartu.id, "other", data=upstream.encode()
    )
    imported = db.session.scalars(
        select(Event).join(Series).where(Series.title == "Linnapäev")
    ).one()
    cases["imported"] = Case(
        "imported", imported.id, titles=dict.fromkeys(LANGUAGES, "Linnapäev"), place="Keskväljak"
    )

    internal = series(
        "specialists",
        rule="FREQ=WEEKLY;COUNT=2",
        start=first,
        at=time(14, 0),
        title="Spetsialistide võrgustik",
        title_en="Specialists' network",
        location="Raekoda, ruum 2",
        is_public=False,
    )
    cases["internal"] = Case(
        "internal",
        _rows(internal)[0].id,
        titles={
            "et": "Spetsialistide võrgustik",
            "en": "Specialists' network",
            "ru": "Specialists' network",
        },
        place="Raekoda, ruum 2",
        public=False,
    )

    online = series(
        "webinar",
        rule="FREQ=WEEKLY;COUNT=2",
        start=first + timedelta(days=5),
        at=time(12, 0),
        title="Veebiseminar",
        title_ru="Вебинар",
        online_url="https://meet.example.org/webinar",
    )
    cases["online"] = Case(
        "online",
        _rows(online)[0].id,
        titles={"et": "Veebiseminar", "en": "Veebiseminar", "ru": "Вебинар"},
    )
    db.session.commit()

    for case in cases.values():
        row = db.session.get(Event, case.event_id)
        case.start = row.start.astimezone(TALLINN).isoformat()
        case.end = row.end.astimezone(TALLINN).isoformat()
        case.uid = event_uid(row)
    others_of_split = [e for s in (split, later) for e in _rows(s) if e.start >= datetime.now(UTC)]
    for name in ("split, earlier part", "split, later part"):
        case = cases[name]
        case.others = [
            (e.start.astimezone(TALLINN).isoformat(), False)
            for e in sorted(others_of_split, key=lambda e: e.start)
            if e.id != case.event_id
        ]
    return cases


def _config(url: str, tmp) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_PATH=str(tmp / "instance"),
        MAIL_CAPTURE_DIR=str(tmp / "mail"),
        SCHEDULER_LOCK_FILE=str(tmp / "scheduler.lock"),
        BASE_URL=BASE,
    )
    return config


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class Surfaces:
    """Every surface's answer, asked once and kept."""

    def __init__(self, app, cases: dict[str, Case]):
        self.app, self.cases, self._kept = app, cases, {}
        window = {"from": str(today() - timedelta(days=30)), "to": str(today() + timedelta(400))}
        self.window = window

    def _once(self, key, build):
        if key not in self._kept:
            self._kept[key] = build()
        return self._kept[key]

    def get(self, url: str, signed_in: str | None = None, **query) -> str:
        client = self.app.test_client()
        with self.app.app_context():
            if signed_in:
                answer = client.post(
                    "/account/login", data={"email": signed_in, "password": PASSWORD}
                )
                assert answer.status_code == 302
            g.pop("_login_user", None)
            refresh()
            response = client.get(url, query_string=query)
            assert response.status_code == 200, (url, query, response.status_code)
            return response.get_data(as_text=True)

    def page(self, event_id: int, language: str) -> str:
        return self._once(
            ("page", event_id, language), lambda: self.get(f"/events/{event_id}", lang=language)
        )

    def api_list(self, language: str) -> dict[int, dict]:
        def build():
            body = json.loads(self.get("/api/events", hl=language, limit="200", **self.window))
            assert body["next"] is None
            return {item["id"]: item for item in body["items"]}

        return self._once(("api", language), build)

    def api_item(self, event_id: int, language: str) -> dict:
        return json.loads(self.get(f"/api/events/{event_id}", hl=language))

    def widget(self, language: str) -> dict[int, dict]:
        return self._once(
            ("widget", language),
            lambda: widget_entries(self.get("/embed/events", lang=language, limit="200")),
        )

    def feed(self, path: str, language: str) -> dict[str, icalendar.Event]:
        def build():
            body = self.get(path, lang=language, cancelled="show", **self.window)
            return vevents_by_uid(body.encode())

        return self._once(("feed", path, language), build)

    def private_feed(self, language: str) -> dict[str, icalendar.Event]:
        def build():
            with self.app.app_context():
                user = db.session.scalars(select(User).filter_by(email="coord@tartu.ee")).one()
                _row, secret = issue_token(user)
                db.session.commit()
            return self.feed(f"/feeds/{secret}/all.ics", language)

        return self._once(("private feed", language), build)

    def ics(self, event_id: int, language: str) -> icalendar.Event:
        body = self.get(f"/events/{event_id}.ics", lang=language).encode()
        (vevent,) = vevents_by_uid(body).values()
        return vevent

    def mail(self, case: Case, language: str):
        with self.app.app_context():
            event = db.session.get(Event, case.event_id)
            kind = ReminderKind.CANCELLED if case.status == "cancelled" else ReminderKind.BEFORE
            reminder = Reminder(
                event=event, kind=kind, slot="1d", recipient=f"reader-{language}@example.ee"
            )
            try:
                return build_mail(reminder)
            finally:
                db.session.rollback()


def vevents_by_uid(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def first(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text, re.S)
    return text_of(found.group(1)) if found else None


def widget_entries(page: str) -> dict[int, dict]:
    entries = {}
    for item in re.findall(r"<li(?: class=\"cancelled\")?>(.*?)</li>", page, re.S):
        event_id = int(re.search(r'href="[^"]*/events/(\d+)', item).group(1))
        times = re.findall(r'<time datetime="([^"]+)"', item)
        entries[event_id] = {
            "title": first(r"<a [^>]*>(.*?)</a>", item),
            "start": times[0],
            "end": times[1],
            "cancelled": 'class="status"' in item,
            "reason": first(r'<span class="reason"[^>]*>(.*?)</span>', item),
            "place": first(r'<span class="where">(.*?)</span>', item),
        }
    return entries


def page_facts(page: str) -> dict:
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1)
    others = re.search(r'<ul class="other-dates-list">(.*?)</ul>', page, re.S)
    status = "planned"
    if "notice-cancelled" in page:
        status = "cancelled"
    elif "notice-not-held" in page:
        status = "not_held"
    return {
        "title": first(r"<h1[^>]*>(.*?)</h1>", page),
        "start": re.search(r'<time datetime="([^"]+)"', facts).group(1),
        "place": first(r'<span class="place">(.*?)</span>', facts),
        "status": status,
        "reason": first(r'<span class="cancel-reason"[^>]*>(.*?)</span>', page),
        "moved": "notice-moved" in page,
        "about": first(r'<section class="description"[^>]*>.*?<p[^>]*>(.*?)</p>', page),
        "others": [
            (start, 'class="is-cancelled"' in item)
            for item, start in re.findall(
                r'(<li[^>]*>.*?<time datetime="([^"]+)")', others.group(1) if others else "", re.S
            )
        ],
        "json_ld": json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        ),
    }


def local_iso(moment: datetime) -> str:
    return moment.astimezone(TALLINN).isoformat()


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module")
def surfaces(database_url, tmp_path_factory):
    app = create_app(_config(database_url, tmp_path_factory.mktemp("surfaces")))
    with app.app_context():
        cases = build_world(app)
    yield Surfaces(app, cases)
    with app.app_context():
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


CASES = (
    "planned",
    "moved",
    "moved across DST",
    "cancelled",
    "not held",
    "held",
    "split, earlier part",
    "split, later part",
    "after a series-wide time change",
    "in an RDATE series",
    "imported",
    "internal",
    "online",
)
SCHEMA_STATUS = {
    "planned": "https://schema.org/EventScheduled",
    "held": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}


def page_url(case: Case) -> str:
    return f"{BASE}/events/{case.event_id}"


INTERNAL = "internal"


@pytest.fixture(params=CASES)
def case(request, surfaces) -> Case:
    return surfaces.cases[request.param]


@pytest.fixture(params=[name for name in CASES if name != INTERNAL])
def public_case(request, surfaces) -> Case:
    return surfaces.cases[request.param]


@pytest.fixture
def internal_case(surfaces) -> Case:
    return surfaces.cases[INTERNAL]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_page_and_its_json_ld(surfaces, public_case, language):
    case = public_case
    assert case.public
    shown = page_facts(surfaces.page(case.event_id, language))
    assert shown["title"] == case.titles[language]
    assert shown["start"] == case.start
    assert shown["place"] == case.place
    assert shown["status"] == (
        case.status if case.status in ("cancelled", "not_held") else "planned"
    )
    assert shown["reason"] == case.reasons.get(language)
    assert shown["moved"] == (case.moved_from is not None)
    if case.about:
        assert shown["about"] == case.about[language]
    if case.others:
        assert shown["others"] == case.others[: len(shown["others"])]
        assert shown["others"], "other dates are listed, split parts included"

    data = shown["json_ld"]
    assert data["name"] == case.titles[language]
    assert (data["startDate"], data["endDate"]) == (case.start, case.end)
    assert data["url"] == page_url(case)
    expected_status = SCHEMA_STATUS.get(case.status)
    if case.moved_from is not None:
        expected_status = "https://schema.org/EventRescheduled"
        assert data["previousStartDate"] == case.moved_from
    else:
        assert "previousStartDate" not in data
    assert data.get("eventStatus") == expected_status
    place = data.get("location", {})
    places = place if isinstance(place, list) else [place]
    names = [p.get("name") for p in places if p.get("@type") == "Place"]
    assert names == ([case.place] if case.place else [])
    if case.about:
        assert case.about[language] in data["description"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_list_and_item(surfaces, case, language):
    listed = surfaces.api_list(language)
    if not case.public:
        assert case.event_id not in listed
        return
    for item in (listed[case.event_id], surfaces.api_item(case.event_id, language)):
        assert item["title"] == case.titles[language]
        assert (item["start"], item["end"]) == (case.start, case.end)
        assert item["status"] == case.status
        assert item["cancel_reason"] == case.reasons.get(language)
        assert item["previous_start"] == case.moved_from
        assert item["location"] == case.place
        assert item["uid"] == case.uid
        assert item["url"] == page_url(case)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_widget(surfaces, case, language):
    listed = surfaces.widget(language)
    start = datetime.fromisoformat(case.start).date()
    in_window = today() <= start < today() + timedelta(weeks=8)
    if not case.public or not in_window:
        assert case.event_id not in listed
        return
    entry = listed[case.event_id]
    assert entry["title"] == case.titles[language]
    assert (entry["start"], entry["end"]) == (case.start, case.end)
    assert entry["cancelled"] == (case.status == "cancelled")
    assert entry["reason"] == case.reasons.get(language)
    assert entry["place"] == case.place


def assert_vevent(vevent: icalendar.Event, case: Case, language: str) -> None:
    assert str(vevent["SUMMARY"]) == case.titles[language]
    assert local_iso(vevent["DTSTART"].dt) == case.start
    assert local_iso(vevent["DTEND"].dt) == case.end
    assert str(vevent["STATUS"]) == ("CANCELLED" if case.status == "cancelled" else "CONFIRMED")
    assert (str(vevent["LOCATION"]) if "LOCATION" in vevent else None) == case.place
    assert str(vevent["URL"]) == page_url(case)
    description = str(vevent.get("DESCRIPTION", ""))
    for reason in filter(None, [case.reasons.get(language)]):
        assert reason in description
    if case.about:
        assert case.about[language] in description
    for moment in case.rule_times:
        assert moment in description


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feeds(surfaces, case, language):
    feeds = [
        surfaces.feed("/feeds/all.ics", language),
        surfaces.feed("/feeds/org/tartu.ics", language),
    ]
    if not case.public:
        assert all(case.uid not in vevents for vevents in feeds)
        feeds = [surfaces.private_feed(language)]
    for vevents in feeds:
        assert case.uid in vevents, "the UID it was first published under, for life"
        assert_vevent(vevents[case.uid], case, language)
    if case.uid_before is not None:
        assert case.uid == case.uid_before


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_single_calendar_file(surfaces, public_case, language):
    case = public_case
    assert case.public
    vevent = surfaces.ics(case.event_id, language)
    assert str(vevent["UID"]) == case.uid
    assert_vevent(vevent, case, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reminder_mail(surfaces, case, language):
    mail = surfaces.mail(case, language)
    assert case.titles[language] in mail.subject
    assert f": {case.titles[language]}\n" in mail.text
    if case.place:
        assert f": {case.place}\n" in mail.text
    for reason in filter(None, [case.reasons.get(language)]):
        assert reason in mail.text and reason in mail.html
    if case.moved_from is not None:
        previous = when_text(datetime.fromisoformat(case.moved_from), "Europe/Tallinn", language)
        assert previous in mail.text and previous in mail.html
    (vevent,) = vevents_by_uid(mail.ics).values()
    assert str(vevent["UID"]) == case.uid
    assert_vevent(vevent, case, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workspace_page_for_its_coordinator(surfaces, internal_case, language):
    case = internal_case
    assert not case.public
    page = surfaces.get(f"/events/{case.event_id}", signed_in="coord@tartu.ee", lang=language)
    assert first(r"<h1[^>]*>(.*?)</h1>", page) == case.titles[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workspace_page_tells_the_rule_of_every_part_of_a_split_series(surfaces, language):
    split = [case for case in surfaces.cases.values() if case.rule_times]
    assert split
    for case in split:
        page = surfaces.get(f"/events/{case.event_id}", signed_in="coord@tartu.ee", lang=language)
        recurrence = first(
            r"<dt>[^<]*</dt><dd>([^<]*)</dd>\s*<dt>[^<]*</dt><dd id=\"status\">", page
        )
        assert all(time in recurrence for time in case.rule_times), recurrence
