"""`flask rules preview` shows the occurrences of a rule and describes it."""

from __future__ import annotations

import json

from scheduler import create_app


def _preview(*args):
    runner = create_app({"TESTING": True}).test_cli_runner()
    return runner.invoke(args=["rules", "preview", *args])


def test_preview_lists_occurrences_in_local_time_across_dst():
    result = _preview(
        "FREQ=WEEKLY;BYDAY=TU", "--start", "2024-03-19T18:00", "--count", "3", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [o["start"] for o in payload["occurrences"]] == [
        "2024-03-19T18:00:00+02:00",
        "2024-03-26T18:00:00+02:00",
        "2024-04-02T18:00:00+03:00",
    ]
    assert set(payload["descriptions"]) == {"et", "en", "ru", "uk"}


def test_preview_honours_pauses_and_holidays():
    result = _preview(
        "FREQ=WEEKLY;BYDAY=TH",
        "--start",
        "2024-06-13T17:30",
        "--count",
        "4",
        "--pause",
        "2024-07-01/2024-09-30",
        "--holidays",
        "skip",
        "--format",
        "json",
    )
    starts = [o["start"][:10] for o in json.loads(result.output)["occurrences"]]
    assert starts == ["2024-06-13", "2024-06-20", "2024-06-27", "2024-10-03"]


def test_preview_moves_a_holiday_to_the_next_working_day():
    # 24 December 2024 (Christmas Eve) is an Estonian public holiday; so are 25 and 26.
    result = _preview(
        "FREQ=WEEKLY;BYDAY=TU",
        "--start",
        "2024-12-24T10:00",
        "--count",
        "1",
        "--holidays",
        "next",
        "--format",
        "json",
    )
    occurrence = json.loads(result.output)["occurrences"][0]
    assert occurrence["start"].startswith("2024-12-27T10:00")
    assert occurrence["original_start"].startswith("2024-12-24T10:00")


def test_the_table_shows_the_description_first():
    result = _preview(
        "FREQ=WEEKLY;BYDAY=TU",
        "--start",
        "2024-01-02T18:00",
        "--count",
        "2",
        "--pause",
        "2024-07-01/2024-09-30",
    )
    assert result.exit_code == 0
    first_line = result.output.splitlines()[0]
    assert "Tuesday" in first_line and "18:00" in first_line


def test_an_invalid_rule_is_refused_with_what_is_wrong():
    result = _preview("FREQ=WEEKLI", "--start", "2024-01-02T18:00")
    assert result.exit_code != 0
    assert "WEEKLI" in result.output


def test_an_unknown_time_zone_is_refused():
    result = _preview("FREQ=DAILY", "--start", "2024-01-02T18:00", "--tz", "Europe/Talinn")
    assert result.exit_code != 0
    assert "Europe/Talinn" in result.output


def test_a_malformed_start_is_refused():
    result = _preview("FREQ=DAILY", "--start", "next tuesday")
    assert result.exit_code != 0
    assert "next tuesday" in result.output
