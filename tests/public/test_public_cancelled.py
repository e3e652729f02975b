"""How a cancelled event is presented: "Cancelled" with its reason in the reader's language,
no invitation to add it to a calendar (a calendar that has it still learns it is cancelled),
and one meaning of "cancelled" in every presentation: a not-held event is never one."""

from __future__ import annotations

import json
import re

import pytest

from scheduler.embed.listing import entries as iframe_entries
from scheduler.events.labels import display_status
from scheduler.events.models import EventStatus
from scheduler.events.service import cancel_occurrence
from scheduler.extensions import db
from scheduler.publicapi.serialise import event_item
from tests.public.conftest import events_of
from tests.support.people import fresh


def _get(client, url: str) -> str:
    fresh()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _json_ld(page: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def _notice(page: str) -> str:
    return page.split('class="notice notice-cancelled"')[1].split("</p>")[0]


def test_a_cancelled_event_says_so_and_offers_no_add_to_calendar_links_but_keeps_its_file(
    world, client
):
    cancelled = events_of(world["club"])[1]
    page = _get(client, f"/events/{cancelled.id}?lang=en")
    assert "<strong>Cancelled</strong>" in _notice(page)
    assert "The room is being renovated" in _notice(page)
    assert "Add to your calendar" not in page
    assert 'class="ics-link"' not in page and f"/events/{cancelled.id}.ics" not in page
    assert "calendar/render?action=TEMPLATE" not in page and "google-link" not in page
    assert "outlook.live.com" not in page and "outlook-link" not in page
    assert "webcal://127.0.0.1:5000/feeds/org/tartu.ics?lang=en" in page, "feeds stay"

    fresh()
    already_added = client.get(f"/events/{cancelled.id}.ics?lang=en")
    assert already_added.status_code == 200, "whoever added it before can still update it"
    assert "STATUS:CANCELLED" in already_added.get_data(as_text=True)

    planned = events_of(world["club"])[0]
    assert "Add to your calendar" in _get(client, f"/events/{planned.id}?lang=en")


def test_the_reason_is_shown_in_the_readers_language_and_marked_when_it_falls_back(world, client):
    club = events_of(world["club"])
    every, some = club[3], club[4]
    cancel_occurrence(
        every,
        "Maja on remondis",
        translations={"en": "The house is being renovated", "ru": "Дом на ремонте"},
    )
    cancel_occurrence(some, "Juhendaja on haige", translations={"en": "The tutor is ill"})
    db.session.commit()

    def reason(event, language: str) -> str:
        return _notice(_get(client, f"/events/{event.id}?lang={language}"))

    assert '<span class="cancel-reason">Дом на ремонте</span>' in reason(every, "ru")
    assert '<span class="cancel-reason">The house is being renovated</span>' in reason(every, "en")
    assert '<span class="cancel-reason">Maja on remondis</span>' in reason(every, "et")
    # no Russian reason: English, then Estonian, each marked with its language
    assert '<span class="cancel-reason" lang="en">The tutor is ill</span>' in reason(some, "ru")
    assert '<span class="cancel-reason">Juhendaja on haige</span>' in reason(some, "et")
    only_estonian = events_of(world["club"])[1]
    assert '<span class="cancel-reason" lang="et">The room is being renovated</span>' in reason(
        only_estonian, "ru"
    )

    listing = _get(client, "/?city=tartu&lang=ru")
    item = listing.split(f'data-event-id="{every.id}"')[1].split("</li>")[0]
    assert "Дом на ремонте" in item and "Maja on remondis" not in item

    iframe = _get(client, "/embed/events?org=tartu&type=club&lang=ru")
    assert '<span class="reason">Дом на ремонте</span>' in iframe
    assert '<span class="reason" lang="en">The tutor is ill</span>' in iframe


def _presentations(client, event) -> dict[str, bool]:
    """Whether each presentation calls ``event`` cancelled."""
    page = _get(client, f"/events/{event.id}?lang=en")
    fresh()
    ics = client.get(f"/events/{event.id}.ics?lang=en").get_data(as_text=True)
    item = event_item(event, language="en", uid="u", page_url=str, ics_url=str)
    (iframe_entry,) = iframe_entries([event], language="en", uid=str, base_url="")
    return {
        "workspace status": display_status(event) == "cancelled",
        "public page": "notice-cancelled" in page,
        "public page calendar links": "Add to your calendar" not in page,
        "schema.org": _json_ld(page).get("eventStatus") == "https://schema.org/EventCancelled",
        "calendar file": "STATUS:CANCELLED" in ics,
        "open API": item["status"] == "cancelled",
        "iframe list": iframe_entry.shown.cancelled,
    }


@pytest.mark.parametrize(
    "status", [EventStatus.PLANNED, EventStatus.CANCELLED, EventStatus.NOT_HELD, EventStatus.HELD]
)
def test_every_presentation_agrees_on_what_is_cancelled(world, client, status):
    event = events_of(world["club"])[5]
    if status == EventStatus.CANCELLED:
        cancel_occurrence(event, "Ruum on kinni")
    else:
        event.status = status  # an outcome, as recorded after the event
    db.session.commit()
    event = events_of(world["club"])[5]
    seen = _presentations(client, event)
    expected = status == EventStatus.CANCELLED
    assert seen == dict.fromkeys(seen, expected), seen


def test_a_not_held_event_says_not_held_on_its_public_page(world, client):
    event = events_of(world["club"])[5]
    event.status = EventStatus.NOT_HELD
    db.session.commit()
    page = _get(client, f"/events/{event.id}?lang=en")
    assert '<p class="notice notice-not-held">Not held</p>' in page
    assert "Cancelled" not in page.split("<h1")[1].split("</dl>")[0]
