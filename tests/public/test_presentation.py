"""The pure presentation helpers: the fallback chain, time ranges, calendar links, posts."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from scheduler.public import presentation as show


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
        title_en="Club",
        title_ru=None,
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
