"""The public home and city pages: upcoming public events by day, filtered by city (or
online), working language, type and words, page after page; signed-in people keep their
workspace at ``/`` with the public site one click away."""

from __future__ import annotations

import re
from urllib.parse import unquote

from scheduler.events.service import cancel_occurrence, restore_occurrence
from scheduler.extensions import db
from tests.public.conftest import events_of
from tests.support.people import fresh, signed_in


def _get(client, url: str) -> str:
    fresh()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _listed(page: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<li class="public-event[^"]*" data-event-id="(\d+)"', page)
    ]


def _ids(*series) -> set[int]:
    return {event.id for one in series for event in events_of(one)}


def test_a_visitor_sees_the_next_eight_weeks_of_public_events_grouped_by_day(world, client):
    page = _get(client, "/?lang=en")
    assert "<h1>Events for newcomers</h1>" in page
    listed = _listed(page)
    public_soon = _ids(world["club"], world["counselling"], world["webinar"], world["baby"])
    assert set(listed) == public_soon, "internal meetings and events after 8 weeks stay out"
    days = re.findall(r'<h2 class="day"><time datetime="([^"]+)"', page)
    assert days == sorted(set(days)), "one heading per day, in order"
    assert "Conversation club in English" in page and "Tartu city" in page
    assert '<span class="badge-lang" data-lang="en">English</span>' in page
    assert "17:30–19:00" in page, "the time range of each entry"


def test_each_entry_shows_cancellations_with_their_reason_and_moves_with_the_old_time(
    world, client
):
    club = events_of(world["club"])
    page = _get(client, "/?city=tartu&lang=en")
    cancelled = page.split(f'data-event-id="{club[1].id}"')[1].split("</li>")[0]
    assert "<s>Conversation club in English</s>" in cancelled
    assert (
        'Cancelled</strong>: <span class="cancel-reason" lang="et">The room is being renovated'
        in cancelled
    ), "given in Estonian only: marked as Estonian on the English page"
    moved = page.split(f'data-event-id="{club[2].id}"')[1].split("</li>")[0]
    assert "18:30–20:00" in moved and "Moved; it was planned for" in moved
    assert ", 17:30" in moved.split("Moved; it was planned for")[1]


def test_a_cancellation_without_a_reason_shows_none_and_never_the_internal_notes(world, client):
    event = events_of(world["club"])[3]
    event.notes = "Kaisa is ill, ask Mart to cover"
    cancel_occurrence(event)
    db.session.commit()
    page = _get(client, "/?city=tartu&lang=en")
    entry = page.split(f'data-event-id="{event.id}"')[1].split("</li>")[0]
    assert "<strong>Cancelled</strong></p>" in entry
    assert "Kaisa" not in page
    restore_occurrence(event)
    cancel_occurrence(event, "Moved online")  # a reason given later is shown
    db.session.commit()
    assert 'Cancelled</strong>: <span class="cancel-reason" lang="et">Moved online' in _get(
        client, "/?city=tartu&lang=en"
    )


def test_filters_by_city_online_working_language_type_and_words(world, client):
    def listed(query: str) -> set[int]:
        return set(_listed(_get(client, f"/?{query}&lang=en")))

    tartu = _ids(world["club"], world["counselling"])
    assert listed("city=tartu") == tartu
    assert listed("city=online") == _ids(world["webinar"]), "events with an online link"
    assert listed("language=ru") == _ids(world["counselling"], world["webinar"])
    assert listed("city=tartu&language=en") == _ids(world["club"])
    assert listed("type=counselling") == _ids(world["counselling"])
    assert listed("q=practise") == _ids(world["club"]), "words in the description"
    assert listed("q=raekoja") == _ids(world["counselling"]), "words in the place"
    assert listed("q=beebiklubi") == _ids(world["baby"]), "words in a title"
    page = _get(client, "/?city=tartu&language=en&lang=en")
    assert '<option value="tartu" selected>' in page and '<option value="en" selected>' in page


def test_unusable_filters_are_a_clear_400(world, client):
    for query in ("city=atlantis", "language=fi", "type=party", "from=2024-13-01"):
        fresh()
        response = client.get(f"/?{query}&lang=en")
        assert response.status_code == 400, query
        assert "<html" in response.get_data(as_text=True)


def test_long_listings_are_paged_without_gaps_or_repeats(world, client, app):
    app.config["PUBLIC_PAGE_SIZE"] = 4
    everything = _ids(world["club"], world["counselling"], world["webinar"], world["baby"])
    seen: list[int] = []
    url, pages = "/?lang=en", 0
    while url:
        page = _get(client, url)
        seen += _listed(page)
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = unquote(found.group(1).replace("&amp;", "&")) if found else None
        if pages > 1:
            assert "First page" in page
    assert len(seen) == len(set(seen)) and set(seen) == everything
    assert pages == -(-len(everything) // 4)


def test_city_pages_have_a_stable_address_their_events_and_feed_links(world, client):
    page = _get(client, "/city/tartu?lang=en")
    assert "<h1>Events for newcomers in <span>Tartu city</span></h1>" in page
    assert set(_listed(page)) == _ids(world["club"], world["counselling"])
    assert 'href="webcal://127.0.0.1:5000/feeds/org/tartu.ics?lang=en"' in page
    assert 'href="http://127.0.0.1:5000/feeds/org/tartu.ics?lang=en"' in page
    russian = _get(client, "/city/parnu?lang=ru")
    assert 'Мероприятия для новоприбывших: <span lang="en">Pärnu city</span>' in russian
    for missing in ("/city/atlantis", "/city/elva"):  # a local government is no partner city
        fresh()
        assert client.get(missing).status_code == 404, missing


def test_signed_in_people_keep_their_workspace_with_the_public_site_one_click_away(world, client):
    signed_in(client, "viewer@elvl.ee")
    workspace = _get(client, "/?lang=en")
    assert 'class="calendar view-agenda"' in workspace
    assert '<a href="/public">Public site</a>' in workspace
    public = _get(client, "/public?lang=en")
    assert "<h1>Events for newcomers</h1>" in public
    assert _ids(world["internal"]).isdisjoint(_listed(public)), "the public site stays public"
    assert '<link rel="canonical" href="http://127.0.0.1:5000/?lang=en">' in public


def test_a_visitors_calendar_bookmarks_still_open_the_calendar(world, client):
    page = _get(client, "/?view=week&lang=en")
    assert 'class="calendar view-week"' in page
    assert "<h1>Events for newcomers</h1>" in _get(client, "/?type=club&lang=en")


def test_the_sitemap_lists_city_pages(world, client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for slug in ("tartu", "parnu", "elvl"):
        assert f"<loc>http://127.0.0.1:5000/city/{slug}</loc>" in sitemap
    assert "/city/elva" not in sitemap
