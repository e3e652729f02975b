"""The pure rules: what the public is told, who gets a place, who is promoted, what lapses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from scheduler.registrations import rules

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
START = datetime(2024, 5, 10, 15, 0, tzinfo=UTC)


def opening(**fields) -> rules.Opening:
    values = {
        "mode": rules.OPEN,
        "capacity": 10,
        "waitlist": False,
        "opens_at": None,
        "closes_at": START - timedelta(hours=2),
    }
    values.update(fields)
    return rules.Opening(**values)


def test_registration_closes_two_hours_before_the_start_by_default():
    assert rules.closing_time(START, None, 120) == datetime(2024, 5, 10, 13, 0, tzinfo=UTC)


def test_an_explicit_close_wins_over_the_default():
    explicit = datetime(2024, 5, 9, 12, 0, tzinfo=UTC)
    assert rules.closing_time(START, explicit, 120) == explicit


def test_open_with_places_left():
    assert rules.availability(opening(), NOW, 7) == rules.Availability("open", 3)


def test_no_capacity_means_open_without_a_count():
    assert rules.availability(opening(capacity=None), NOW, 500) == rules.Availability("open", None)


def test_full_without_a_waiting_list_and_waitlist_with_one():
    assert rules.availability(opening(), NOW, 10).state == "full"
    assert rules.availability(opening(waitlist=True), NOW, 10) == rules.Availability("waitlist", 0)


def test_closed_when_off_before_opening_and_after_closing():
    assert rules.availability(None, NOW, 0).state == "closed"
    assert rules.availability(opening(mode=rules.OFF), NOW, 0).state == "closed"
    later = opening(opens_at=NOW + timedelta(days=1))
    assert rules.availability(later, NOW, 0) == rules.Availability("closed", None)
    assert rules.availability(opening(), START - timedelta(hours=2), 0).state == "closed"
    assert rules.availability(opening(), START - timedelta(hours=2, seconds=1), 0).state == "open"


def test_a_confirmation_gets_a_place_then_the_waiting_list_then_nothing():
    assert rules.place_for(opening(), 9) == "confirmed"
    assert rules.place_for(opening(waitlist=True), 10) == "waitlisted"
    assert rules.place_for(opening(), 10) is None


def test_freed_places_go_to_the_first_in_line():
    assert rules.promotions(10, 8, ["a", "b", "c"]) == ["a", "b"]
    assert rules.promotions(10, 10, ["a"]) == []
    assert rules.promotions(None, 100, ["a", "b"]) == ["a", "b"]


def test_a_smaller_capacity_promotes_no_one():
    assert rules.promotions(5, 8, ["a"]) == []


def test_the_waiting_list_grows_at_its_end():
    assert rules.next_waitlist_position([]) == 1
    assert rules.next_waitlist_position([3, None, 1]) == 4


def test_an_unconfirmed_registration_lapses_after_a_day():
    created = NOW - timedelta(hours=24)
    assert rules.is_lapsed(created, None, NOW)
    assert not rules.is_lapsed(created + timedelta(seconds=1), None, NOW)
    assert not rules.is_lapsed(created, created, NOW)


def test_personal_data_is_erased_after_the_retention_period():
    end = NOW
    assert not rules.erasure_due(end, NOW + timedelta(days=89), 90)
    assert rules.erasure_due(end, NOW + timedelta(days=90), 90)


@given(
    capacity=st.integers(min_value=0, max_value=50),
    confirmed=st.integers(min_value=0, max_value=60),
    waiting=st.integers(min_value=0, max_value=60),
)
def test_promotion_never_overbooks_and_keeps_the_order(capacity, confirmed, waiting):
    line = list(range(waiting))
    promoted = rules.promotions(capacity, confirmed, line)
    assert promoted == line[: len(promoted)]
    assert confirmed + len(promoted) <= max(capacity, confirmed)
    if confirmed + len(promoted) < capacity:
        assert promoted == line
