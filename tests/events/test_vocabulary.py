"""One public vocabulary: every surface reads a filter by the same name (old names still
answering as aliases), lists the same events for it, and refuses what cannot be used with
the same message."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from factories import expand, make_org, make_series
from icalendar import Calendar

from scheduler.core.time import utcnow, zone
from scheduler.events.filters import (
    API,
    FEED,
    PUBLIC,
    WIDGET,
    WORKSPACE,
    FilterError,
    Known,
    parse_query,
)
from scheduler.events.models import Event, Series
from scheduler.events.service import cancel_occurrence
from scheduler.events.uids import event_uid
from scheduler.extensions import db

KNOWN = Known(
    event_types=("club", "info_day"),
    languages=("et", "en", "ru"),
    orgs=lambda slugs: set(slugs) & {"tartu", "parnu"},
    activities=lambda codes: set(codes) & {"1.1"},
)
TODAY = date(2024, 3, 1)


def parse(surface, **args):
    return parse_query(args, surface, KNOWN, today=TODAY, secret="unit-test-secret")


# ---------------------------------------------------------------------------------------------
# The parser


@pytest.mark.parametrize(
    "surface, old, canonical",
    [
        (PUBLIC, {"city": "tartu"}, {"org": "tartu"}),
        (WORKSPACE, {"held_in": "ru"}, {"language": "ru"}),
        (WIDGET, {"held_in": "ru"}, {"language": "ru"}),
        (WIDGET, {"city": "tartu"}, {"org": "tartu"}),
        (API, {"lang": "ru"}, {"language": "ru"}),
        (API, {"held_in": "ru"}, {"language": "ru"}),
        (API, {"city": "tartu"}, {"org": "tartu"}),
    ],
)
def test_an_old_name_is_an_alias_of_its_canonical_one(surface, old, canonical):
    assert parse(surface, **old) == parse(surface, **canonical)
    assert parse(surface, **old) != parse(surface)


@pytest.mark.parametrize("surface", [PUBLIC, WIDGET, WORKSPACE])
def test_lang_stays_the_page_language_outside_the_api(surface):
    assert parse(surface, lang="ru") == parse(surface)


def test_an_alias_beside_its_canonical_name_is_refused_not_ignored():
    with pytest.raises(FilterError, match="'org' and 'city' name the same filter"):
        parse(PUBLIC, city="tartu", org="parnu")
    with pytest.raises(FilterError, match="'language' and 'lang' name the same filter"):
        parse(API, lang="ru", language="et")


@pytest.mark.parametrize("surface", [API, WIDGET])
@pytest.mark.parametrize("value", ["", "tartu,", "tartu,,parnu"])
def test_the_api_and_the_widget_refuse_empty_values(surface, value):
    with pytest.raises(FilterError, match="no empty ones"):
        parse(surface, org=value)


@pytest.mark.parametrize("surface", [PUBLIC, WORKSPACE])
def test_a_forms_empty_field_means_all(surface):
    assert parse(surface, org="", type=" ", language="") == parse(surface)
    assert parse(surface, city="", org="tartu") == parse(surface, org="tartu")


@pytest.mark.parametrize("surface", [API, PUBLIC, WIDGET, WORKSPACE])
def test_an_unknown_value_gets_the_same_message_on_every_surface(surface):
    with pytest.raises(FilterError) as unknown_type:
        parse(surface, type="party")
    assert str(unknown_type.value) == "unknown type: party (known: club, info_day)"
    with pytest.raises(FilterError) as unknown_org:
        parse(surface, org="narva")
    assert str(unknown_org.value) == "unknown organisation: narva"


@pytest.mark.parametrize("surface", [API, PUBLIC, FEED])
def test_a_window_is_read_alike_wherever_it_is_given(surface):
    with pytest.raises(FilterError, match="'from' must be a date"):
        parse(surface, **{"from": "2024-13-01"})
    with pytest.raises(FilterError, match="must lie between 2000-01-01 and 2100-12-31"):
        parse(surface, **{"from": "1999-12-31"})


def test_the_workspace_reads_activity_status_and_mine():
    query = parse(WORKSPACE, activity="1.1", status="awaiting_outcome", mine="1")
    assert (query.activities, query.statuses, query.mine) == (("1.1",), ("awaiting_outcome",), True)
    with pytest.raises(FilterError, match="unknown activity: 9.9"):
        parse(WORKSPACE, activity="9.9")
    with pytest.raises(FilterError, match="unknown status: done"):
        parse(WORKSPACE, status="done")


def test_only_the_public_site_knows_the_online_city():
    assert parse(PUBLIC, city="online").online
    with pytest.raises(FilterError, match="unknown organisation: online"):
        parse(API, org="online")


# ---------------------------------------------------------------------------------------------
# Every surface, over HTTP


@pytest.fixture
def coming(app):
    """From tomorrow on: Tartu's weekly club held in Russian and English (its second meeting
    cancelled), Tartu's info day held in Estonian, Pärnu's weekly club held in Estonian, and
    Tartu's internal meeting."""
    first = utcnow().astimezone(zone()).date() + timedelta(days=1)
    bounds = (first, first + timedelta(weeks=5))
    tartu, parnu = make_org("tartu"), make_org("parnu")
    weekly = {"rule": "FREQ=WEEKLY", "start": first, "bounds": bounds}
    club = make_series("tartu-club", org=tartu, title="Klubi", languages=["ru", "en"], **weekly)
    info = make_series(
        "tartu-info",
        org=tartu,
        rule=None,
        start=first + timedelta(days=2),
        bounds=None,
        title="Infopäev",
        event_type="info_day",
        languages=["et"],
    )
    parnu_club = make_series("parnu-club", org=parnu, title="Pärnu klubi", **weekly)
    internal = make_series("tartu-internal", org=tartu, title="Sise", is_public=False, **weekly)
    for series in (club, info, parnu_club, internal):
        expand(series, utcnow() + timedelta(days=365))
    db.session.commit()
    second = db.session.scalars(
        db.select(Event).where(Event.series_id == club.id).order_by(Event.start)
    ).all()[1]
    cancel_occurrence(second, reason="Suletud")
    db.session.commit()
    return first


def _api(client, query: str) -> list[int]:
    response = client.get(f"/api/events?{query}&limit=200")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def _page_ids(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'href="[^"]*/events/(\d+)[?"]', response.text)]


def _public(client, query: str) -> list[int]:
    return _page_ids(client.get(f"/public?{query}"))


def _widget(client, query: str) -> list[int]:
    return _page_ids(client.get(f"/embed/events?{query}&limit=200"))


def _feed(client, path: str, first: date) -> list[int]:
    window = f"from={first.isoformat()}&to={(first + timedelta(weeks=8)).isoformat()}"
    response = client.get(f"{path}?cancelled=show&{window}")
    assert response.status_code == 200
    uids = {str(c["UID"]) for c in Calendar.from_ical(response.data).walk("VEVENT")}
    by_uid = {event_uid(event): event.id for event in db.session.scalars(db.select(Event))}
    return sorted(by_uid[uid] for uid in uids)


@pytest.mark.parametrize(
    "api, public, widget, feed",
    [
        ("org=tartu", "city=tartu", "org=tartu", "/feeds/org/tartu.ics"),
        ("type=club", "type=club", "type=club", "/feeds/type/club.ics"),
        ("lang=ru", "language=ru", "held_in=ru", "/feeds/lang/ru.ics"),
    ],
)
def test_the_same_filter_gives_the_same_events_on_every_surface(
    client, coming, api, public, widget, feed
):
    listed = _api(client, api)
    assert listed, "the filter should match something"
    assert _public(client, public) == listed
    assert _widget(client, widget) == listed
    assert _feed(client, feed, coming) == sorted(listed)
    internal = db.session.scalars(
        db.select(Event.id).join(Event.series).where(Series.is_public.is_(False))
    ).all()
    assert not set(listed) & set(internal)


@pytest.mark.parametrize(
    "old, canonical",
    [
        ("/api/events?lang=ru", "/api/events?language=ru"),
        ("/public?city=tartu", "/public?org=tartu"),
        ("/public?language=ru", "/public?held_in=ru"),
        ("/embed/events?held_in=ru", "/embed/events?language=ru"),
    ],
)
def test_every_old_name_still_answers_as_its_canonical_one(client, coming, old, canonical):
    if old.startswith("/api/"):
        assert _api(client, old.split("?")[1]) == _api(client, canonical.split("?")[1])
    else:
        assert _page_ids(client.get(old)) == _page_ids(client.get(canonical))
    assert _page_ids(client.get(old)) or old.startswith("/api/")


def _message(response) -> str:
    if response.is_json:
        return response.get_json()["message"]
    return html.unescape(response.get_data(as_text=True))


ENGLISH = {"Accept-Language": "en"}
REFUSED = "unknown type: party (known: "


@pytest.mark.parametrize(
    "path",
    [
        "/api/events?type=party",
        "/public?type=party",
        "/embed/events?type=party",
        "/?type=party&view=agenda",
        "/?type=party&view=year",
    ],
)
def test_an_unknown_value_is_refused_with_the_same_message_on_every_surface(client, path):
    response = client.get(path + "&lang=en" if "/api/" not in path else path + "&hl=en")
    assert response.status_code == 400
    assert REFUSED in _message(response)


@pytest.mark.parametrize(
    "path",
    ["/api/events?from=2024-13-01", "/public?from=2024-13-01", "/feeds/all.ics?from=2024-13-01"],
)
def test_an_impossible_date_is_refused_with_the_same_message_on_every_surface(client, path):
    response = client.get(path, headers=ENGLISH)
    assert response.status_code == 400
    assert "'from' must be a date (YYYY-MM-DD)" in _message(response)


@pytest.mark.parametrize("path", ["/feeds/all.ics", "/embed/events", "/events/{id}.ics"])
def test_feeds_calendar_files_and_the_widget_refuse_the_same_unknown_lang(client, coming, path):
    event = db.session.scalars(db.select(Event).join(Event.series)).first()
    response = client.get(path.format(id=event.id) + "?lang=xx", headers=ENGLISH)
    assert response.status_code == 400
    assert "'lang' must be one of et, en, ru" in _message(response)


def test_feeds_take_hl_as_calendar_files_do(client, coming):
    russian = client.get("/feeds/org/tartu.ics?hl=ru")
    assert russian.status_code == 200
    assert russian.data == client.get("/feeds/org/tartu.ics?lang=ru").data
