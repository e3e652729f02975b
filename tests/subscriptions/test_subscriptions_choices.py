"""What a subscriber chose and which events match it (pure)."""

from __future__ import annotations

import pytest

from scheduler.subscriptions.choices import Choice


def test_an_empty_group_matches_everything():
    assert Choice().matches("tartu", False, ["et"], "club")


def test_a_city_or_online_matches():
    choice = Choice(cities=("rakvere", "online"))
    assert choice.matches("rakvere", False, [], "club")
    assert choice.matches("tartu", True, [], "club")  # online, from anywhere
    assert not choice.matches("tartu", False, [], "club")


def test_languages_and_types_must_both_match():
    choice = Choice(languages=("ru", "en"), types=("club",))
    assert choice.matches("tartu", False, ["et", "ru"], "club")
    assert not choice.matches("tartu", False, ["et"], "club")
    assert not choice.matches("tartu", False, ["ru"], "training")


def test_a_choice_survives_its_stored_form():
    choice = Choice(cities=("tartu",), languages=("ru",), frequency="immediate", mail_language="ru")
    assert Choice.of(choice.as_dict()) == choice


def test_an_unknown_frequency_is_refused():
    with pytest.raises(ValueError):
        Choice(frequency="hourly")
