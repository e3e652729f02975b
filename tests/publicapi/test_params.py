"""Reading /api/events arguments, without a database: defaults, canonical form, cursors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduler.publicapi.params import (
    ApiArgumentError,
    Position,
    decode_cursor,
    encode_cursor,
    parse_events_query,
)

SECRET = "unit-test-secret"


def parse(**args):
    return parse_events_query(
        args,
        today=date(2024, 3, 1),
        secret=SECRET,
        known_orgs=lambda slugs: set(slugs) & {"tartu", "parnu"},
        event_types=("club", "info_day"),
        languages=("et", "en", "ru"),
    )


def test_without_arguments_the_window_is_today_and_eight_weeks_on_fifty_a_page():
    query = parse()
    assert (query.start, query.end, query.limit) == (date(2024, 3, 1), date(2024, 4, 26), 50)
    assert not query.filters_in_python and query.after is None


def test_a_window_given_only_by_its_start_runs_eight_weeks_from_it():
    assert parse(**{"from": "2024-06-01"}).end == date(2024, 7, 27)


def test_lists_and_words_take_one_canonical_form_whatever_the_spelling():
    one = parse(org="tartu, parnu", type="club,club", q="Õhtu  KLUBI õhtu")
    other = parse(org="parnu,tartu", type="club", q="õhtu klubi")
    assert one.key() == other.key()
    assert one.orgs == ("parnu", "tartu") and one.words == ("õhtu", "klubi")


def test_the_next_link_pins_the_window_and_repeats_every_filter():
    query = parse(org="tartu", lang="ru", q="klubi", limit="7")
    assert query.link_args() == {
        "from": "2024-03-01",
        "to": "2024-04-26",
        "org": "tartu",
        "lang": "ru",
        "q": "klubi",
        "limit": "7",
    }


def test_a_cursor_keeps_the_exact_instant_and_id():
    position = Position(datetime(2024, 3, 31, 0, 59, 59, 123456, tzinfo=UTC), 2**31 - 1)
    assert decode_cursor(encode_cursor(position, SECRET), SECRET) == position


@pytest.mark.parametrize(
    "position",
    [
        Position(datetime(2024, 1, 1, tzinfo=UTC), 0),
        Position(datetime(2024, 1, 1, tzinfo=UTC), 2**31),
    ],
)
def test_a_signed_cursor_with_an_impossible_id_is_still_refused(position):
    with pytest.raises(ApiArgumentError):
        decode_cursor(encode_cursor(position, SECRET), SECRET)


def test_a_signed_cursor_of_another_shape_is_refused():
    from itsdangerous import URLSafeSerializer

    for payload in ({"a": 1}, [1], [1, 2, 3], ["x", 1], [10**30, 1], [1.5, 2], None):
        forged = URLSafeSerializer(SECRET, salt="publicapi.events.cursor").dumps(payload)
        with pytest.raises(ApiArgumentError):
            decode_cursor(forged, SECRET)
