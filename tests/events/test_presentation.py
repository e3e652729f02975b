"""The pure presentation helpers: the fallback chain, time ranges, calendar links, posts."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from scheduler.events import presentation as show


def test_the_fallback_chain_is_the_visitors_language_then_english_then_estonian():
    assert show.fallback_order("ru") == ("ru", "en", "et")
    assert show.fallback_order("en") == ("en", "et")
    assert show.fallback_order("et") == ("et", "en")
    texts = {"et": "Klubi", "en": "Club", "ru": None}
    assert show.pick(texts, "ru") == show.Text("Club", "en")
    assert show.pick({"et": "Klubi"}, "ru") == show.Text("Klubi", "et")
    assert show.pick(texts, "et") == show.Text("Klubi", "et")
    assert show.pick({"et": None, "en": ""}, "ru") is None


def _event(**overrides):
    series = SimpleNamespace(
        title="Klubi",
        translations={"title": {"en": "Club"}},
        location="Lai 1, Tartu",
        online_url=None,
        timezone="Europe/Tallinn",
        languages=["en"],
    )
    values = dict(
        series=series,
        title=None,
        location=None,
        start=datetime(2024, 3, 12, 16, 0, tzinfo=UTC),
        end=datetime(2024, 3, 12, 17, 30, tzinfo=UTC),
    )
    values.update(overrides)
    return SimpleNamespace(**values)


def test_an_occurrences_own_title_stands_for_every_language():
    assert show.title_of(_event(), "ru") == show.Text("Club", "en")
    assert show.title_of(_event(title="Erakordne klubi"), "ru").value == "Erakordne klubi"


def test_time_ranges_are_local_and_in_the_visitors_language():
    start = datetime(2024, 3, 12, 16, 0, tzinfo=UTC)
    end = datetime(2024, 3, 12, 17, 30, tzinfo=UTC)
    assert (
        show.time_range(start, end, "Europe/Tallinn", "en") == "Tuesday 12 March 2024, 18:00–19:30"
    )
    assert show.time_range(start, end, "Europe/Tallinn", "ru").startswith("вторник 12 марта 2024")
    overnight = show.time_range(
        start, datetime(2024, 3, 13, 7, 0, tzinfo=UTC), "Europe/Tallinn", "en"
    )
    assert overnight == "Tuesday 12 March 2024, 18:00 – Wednesday 13 March 2024, 09:00"


def test_calendar_links_carry_title_utc_times_and_place():
    event = _event()
    google = urlsplit(
        show.google_calendar_url("Club", event.start, event.end, "Details", "Lai 1, Tartu")
    )
    args = parse_qs(google.query)
    assert args["action"] == ["TEMPLATE"] and args["text"] == ["Club"]
    assert args["dates"] == ["20240312T160000Z/20240312T173000Z"]
    assert args["location"] == ["Lai 1, Tartu"]
    outlook = parse_qs(
        urlsplit(show.outlook_calendar_url("Club", event.start, event.end, "", None)).query
    )
    assert outlook["startdt"] == ["2024-03-12T16:00:00Z"] and "location" not in outlook


def test_a_post_to_share_has_title_time_place_and_link_on_its_own_lines():
    text = show.share_text(
        _event(),
        language="en",
        when="Tuesday, 18:00",
        url="https://x.ee/events/1",
        online_label="Online",
    )
    assert text == "Club\nTuesday, 18:00\nLai 1, Tartu\nhttps://x.ee/events/1"
    online = _event(
        series=SimpleNamespace(
            **{**vars(_event().series), "location": None, "online_url": "https://meet.ee/a"}
        )
    )
    assert (
        show.share_text(online, language="en", when="T", url="U", online_label="Online")
        == "Club\nT\nOnline\nU"
    )


def _occurrence(**overrides):
    """An occurrence with everything ``present`` reads."""
    series = SimpleNamespace(
        **{
            **vars(_event().series),
            "description": "Klubi kõigile.",
            "translations": {"title": {"en": "Club"}, "description": {"ru": "Клуб для всех."}},
            "languages": ["et", "en"],
        }
    )
    start = datetime(2024, 3, 12, 16, 0, tzinfo=UTC)
    values = dict(
        id=7,
        series=series,
        title=None,
        location=None,
        description=None,
        start=start,
        end=datetime(2024, 3, 12, 17, 30, tzinfo=UTC),
        original_start=start,
        status="planned",
        uid=None,
        cancel_reason=None,
        translations={},
    )
    values.update(overrides)
    return SimpleNamespace(**values)


def _present(event, language="ru"):
    return show.present(event, language, uid="u@x", base_url="https://x.ee/")


def test_an_event_as_shown_has_its_texts_times_with_offsets_and_links():
    shown = _present(_occurrence())
    assert shown.title == show.Text("Club", "en")
    assert shown.description == show.Text("Клуб для всех.", "ru")
    assert _present(_occurrence(), "en").description == show.Text("Klubi kõigile.", "et")
    assert shown.start.isoformat() == "2024-03-12T18:00:00+02:00"
    assert shown.end.isoformat() == "2024-03-12T19:30:00+02:00"
    assert (shown.status, shown.reason, shown.moved_from) == ("planned", None, None)
    assert shown.schema_status == "scheduled"
    assert (shown.url, shown.ics_url) == ("https://x.ee/events/7", "https://x.ee/events/7.ics")
    assert shown.place == "Lai 1, Tartu" and shown.attendance == "offline"


def test_only_an_event_called_off_is_cancelled_and_its_reason_follows_the_chain():
    cancelled = _occurrence(
        status="cancelled",
        cancel_reason="Remont",
        translations={"cancel_reason": {"en": "Repairs"}},
    )
    shown = _present(cancelled)
    assert (shown.status, shown.reason, shown.schema_status) == (
        "cancelled",
        show.Text("Repairs", "en"),
        "cancelled",
    )
    not_held = _present(_occurrence(status="not_held", cancel_reason="vana põhjus"))
    assert (not_held.status, not_held.reason, not_held.schema_status) == ("not_held", None, None)


def test_moved_from_is_the_rule_slot_or_the_start_its_kept_uid_was_published_at():
    start = datetime(2024, 3, 12, 16, 0, tzinfo=UTC)
    moved = _occurrence(start=start.replace(hour=17), end=start.replace(hour=18))
    assert _present(moved).moved_from.isoformat() == "2024-03-12T18:00:00+02:00"
    assert _present(moved).schema_status == "rescheduled"
    # the series' time changed from 17:00 to 18:00: the row's key followed, its UID did not
    retimed = _occurrence(uid="club-20240312T150000Z@elvl-scheduler.ee")
    assert _present(retimed).moved_from.isoformat() == "2024-03-12T17:00:00+02:00"
    unchanged = _occurrence(uid="club-20240312T160000Z@elvl-scheduler.ee")
    assert _present(unchanged).moved_from is None
    imported = _occurrence(uid="abc-20240312T150000Z")  # an upstream UID: not ours to read
    assert _present(imported).moved_from is None


def test_other_dates_are_listed_by_their_pages_path():
    other = _occurrence(id=8, status="cancelled")
    shown = show.present(
        _occurrence(), "en", uid="u", base_url="https://x.ee", others=[other], link_language="en"
    )
    (date_,) = shown.other_dates
    assert (date_.id, date_.cancelled, date_.url) == (8, True, "/events/8?lang=en")
    assert date_.start.isoformat() == "2024-03-12T18:00:00+02:00"
    assert shown.url == "https://x.ee/events/7?lang=en"
