"""One visibility rule, asked everywhere.

Tartu and Tallinn each hold an internal meeting (three weekly occurrences around today, the
first held) with a title, an organiser address, a place and a time of day found nowhere
else. As each person — an admin, the coordinator and an organiser of each city, and a
visitor — every surface is fetched: pages, public and private feeds, the open API, the
indicator pages, APIs and workbooks, the series editor's preview, the sitemap and the
widget. No body may hold a trace of an internal meeting the person may not see; the ones
they may see must be there (else the test would prove nothing).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta

import pytest

from scheduler.accounts.models import Role, User
from scheduler.core.policy import can
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from scheduler.feeds.models import issue_token
from scheduler.indicators.models import Indicator
from tests.factories import expand, make_org, make_series
from tests.support.people import fresh, signed_in
from tests.support.world import ADMIN, Recipe, World, coordinator, org, staff

CITIES = ("tartu", "tallinn")
INDICATOR = "local_networks"
# the internal meetings' times of day; nothing else happens then
AT = {"tartu": time(6, 47), "tallinn": time(6, 53)}


@dataclass
class Meeting:
    """One city's internal meeting and the strings that would betray it."""

    city: str
    series: Series
    events: list[Event]

    @property
    def traces(self) -> list[str]:
        found = [
            f"XQ-SECRET-{self.city.upper()}",
            f"hush.{self.city}@hidden.ee",
            f"Salajane saal {self.city}",
        ]
        for event in self.events:
            local, utc = event.start.astimezone(zone()), event.start.astimezone(UTC)
            found += [
                f"{local:%Y-%m-%dT%H:%M}",
                f"{utc:%Y-%m-%dT%H:%M}",
                f"{local:%Y%m%dT%H%M%S}",
                f"{utc:%Y%m%dT%H%M%SZ}",
                f"{local:%Y-%m-%d %H:%M}",
            ]
        return found + [f"{AT[self.city]:%H:%M}"]


def _today() -> date:
    return utcnow().astimezone(zone()).date()


def _meetings(world: World) -> dict:
    today = _today()
    meetings = {}
    for city in CITIES:
        org = world.orgs[city]
        public = make_series(
            f"{city}-club",
            org=org,
            title=f"Avalik klubi {city}",
            rule="FREQ=WEEKLY;COUNT=3",
            start=today - timedelta(days=7),
            at=time(18, 0),
            bounds=None,
            organisers=[f"lead@{city}.ee"],
            location=f"Raamatukogu {city}",
        )
        internal = make_series(
            f"{city}-internal",
            org=org,
            title=f"XQ-SECRET-{city.upper()}",
            rule="FREQ=WEEKLY;COUNT=3",
            start=today - timedelta(days=7),
            at=AT[city],
            bounds=None,
            duration_minutes=47,
            event_type="network_meeting",
            organisers=[f"organiser@{city}.ee", f"hush.{city}@hidden.ee"],
            location=f"Salajane saal {city}",
            is_public=False,
        )
        for series in (public, internal):
            expand(series)
        events = list(internal.events)
        events[0].status = EventStatus.HELD
        public.events[0].status = EventStatus.HELD
        meetings[city] = Meeting(city, internal, events)
    db.session.add(
        Indicator(
            code=INDICATOR,
            table="6",
            name="Kohalikud võrgustikud",
            name_en="Local networks",
            unit="count",
            rule={"kind": "held_events", "types": ["network_meeting"]},
            target_scope="year",
        )
    )
    return {"meetings": meetings}


# who each test is, and their address in the world
PEOPLE = {
    "anonymous": None,
    "admin": ADMIN,
    **{f"coordinator of {city}": coordinator(city) for city in CITIES},
    **{f"organiser of {city}": f"organiser@{city}.ee" for city in CITIES},
}


@pytest.fixture
def world_recipe() -> Recipe:
    return Recipe(
        orgs=tuple(org(city, name=f"{city.title()} linn") for city in CITIES),
        people=(
            *staff(*CITIES, viewer=False),
            *((f"organiser@{city}.ee", Role.ORGANISER, city) for city in CITIES),
        ),
        adds=_meetings,
    )


def _client(app, user: User | None):
    client = app.test_client()
    if user is not None:
        signed_in(client, user.email, query="?lang=en")
    return client


def _get(client, url: str, **kwargs):
    fresh()
    return client.get(url, **kwargs)


def _text(response) -> str:
    if response.data[:2] == b"PK":  # a workbook: its XML parts
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())
    return response.get_data(as_text=True)


def _years(meetings) -> set[int]:
    return {e.start.astimezone(zone()).year for m in meetings.values() for e in m.events}


def _preview_query(meeting: Meeting, user: User | None, *, by: str) -> dict:
    first = meeting.events[0].start.astimezone(zone())
    organisation = user.organisation_id if user and user.organisation_id else None
    return {
        "organisation": str(organisation or make_org("tartu").id),
        "event_type": "club",
        "title": "Uus klubi",
        "languages": ["et"],
        "location": f"Salajane saal {meeting.city}" if by == "location" else "Mujal",
        "organisers": f"hush.{meeting.city}@hidden.ee" if by == "organisers" else "x@y.ee",
        "is_public": "y",
        "start_date": first.date().isoformat(),
        "start_time": "06:30",
        "duration": "90",
        "rule_kind": "weekly",
        "interval": "1",
        "weekdays": [str(first.weekday())],
        "ordinal": "1",
        "ordinal_weekday": "1",
        "holiday_policy": "keep",
        "end_kind": "never",
        "lang": "en",
    }


def _surfaces(meetings, user: User | None, secret: str | None) -> list[tuple[str, dict]]:
    """Every address that shows events, with its query."""
    urls = [
        "/",
        "/?view=year",
        "/public",
        "/embed/events",
        "/sitemap.xml",
        "/api/events",
        "/feeds/",
        "/feeds/all.ics",
        "/feeds/all.ics?mode=series",
        "/feeds/type/network_meeting.ics",
        "/events/awaiting",
        "/series/",
    ]
    for city in CITIES:
        urls += [
            f"/city/{city}",
            f"/embed/events?org={city}",
            f"/api/events?org={city}",
            f"/feeds/org/{city}.ics",
        ]
    for year in _years(meetings):
        urls += [
            f"/?view=year&year={year}",
            f"/indicators/?year={year}",
            f"/indicators/{INDICATOR}?year={year}",
            f"/indicators/{INDICATOR}?year={year}&planned=1",
            f"/api/indicators?year={year}",
            f"/api/indicators/{INDICATOR}/events?year={year}",
            f"/api/indicators/{INDICATOR}/events?year={year}&planned=1",
            f"/indicators/report.csv?year={year}",
            f"/indicators/report.json?year={year}",
            f"/indicators/report.xlsx?year={year}",
        ]
    for meeting in meetings.values():
        urls += [f"/series/{meeting.series.id}/history"]
        for event in meeting.events:
            day = event.start.astimezone(zone()).date().isoformat()
            urls += [
                f"/events/{event.id}",
                f"/events/{event.id}/history",
                f"/events/{event.id}.ics",
                f"/api/events/{event.id}",
                f"/?view=week&date={day}",
                f"/?view=month&date={day}",
                f"/?date={day}",
            ]
    if secret is not None:
        urls += [
            f"/feeds/{secret}/all.ics",
            f"/feeds/{secret}/all.ics?mode=series",
            f"/feeds/{secret}/mine.ics",
            f"/feeds/{secret}/type/network_meeting.ics",
        ]
        urls += [f"/feeds/{secret}/org/{city}.ics" for city in CITIES]
    found = [(url, None) for url in urls]
    for meeting in meetings.values():
        for by in ("location", "organisers"):
            found.append(("/series/preview", _preview_query(meeting, user, by=by)))
    return found


@pytest.mark.parametrize("name", list(PEOPLE))
def test_no_surface_shows_an_internal_meeting_to_someone_who_may_not_see_it(app, world, name):
    meetings = world["meetings"]
    user = world.people[PEOPLE[name]] if PEOPLE[name] else None
    secret = issue_token(user)[1] if user else None
    db.session.commit()
    client = _client(app, user)
    hidden = [m for m in meetings.values() if not can(user, "view_event", m.events[0])]
    shown = [m for m in meetings.values() if m not in hidden]
    leaks, seen = [], set()
    for url, query in _surfaces(meetings, user, secret):
        response = _get(client, url, query_string=query)
        assert response.status_code < 500, (url, response.status_code)
        body = _text(response)
        for meeting in hidden:
            leaks += [(url, trace) for trace in meeting.traces if trace in body]
        seen |= {m.city for m in shown if f"XQ-SECRET-{m.city.upper()}" in body}
    assert not leaks, sorted({url for url, _trace in leaks})
    assert seen == {m.city for m in shown}, "what the person may see is shown somewhere"
