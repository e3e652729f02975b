"""The series editor, its live preview and `flask series change` meet the same rule limits as
every other way a rule enters (recurrence.limits), say which limit refused a rule, and read
the editor's fields as typed (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from scheduler.events.models import Event, Series
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from tests.factories import make_series
from tests.series.conftest import next_weekday, today
from tests.series.test_series_web import form
from tests.support.people import signed_in

NEVER_MATCHING = (
    "FREQ=HOURLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=11;BYMONTH=4;BYMONTHDAY=31",
)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def raw(world, rule: str, **changes) -> dict:
    return form(world, rule_kind="raw", raw_rule=rule, pauses="", **changes)


def minutely_for_a_week(world) -> dict:
    start = next_weekday(today(), 0)
    until = (start + timedelta(days=6)).strftime("%Y%m%dT235900")
    return raw(world, f"FREQ=MINUTELY;UNTIL={until}", start_date=start.isoformat())


def test_saving_a_rule_repeating_every_minute_is_refused_naming_the_limit(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post("/series/new?lang=en", data=minutely_for_a_week(world))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "RULES_REFUSED_FREQUENCIES" in page and "FREQ=MINUTELY" in page
    assert count(Series) == count(Event) == count(Reminder) == 0


def test_saving_a_rule_with_more_occurrences_than_a_series_may_have_is_refused(app, client, world):
    app.config["RULES_MAX_OCCURRENCES_PER_SERIES"] = 50
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    response = client.post("/series/new?lang=en", data=raw(world, "FREQ=DAILY"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "more than 50 events for one series" in page
    assert "RULES_MAX_OCCURRENCES_PER_SERIES" in page
    assert count(Series) == count(Event) == count(Reminder) == 0


def test_the_preview_says_what_saving_would_refuse(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    preview = client.get(
        "/series/preview", query_string={**minutely_for_a_week(world), "lang": "en"}
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "RULES_REFUSED_FREQUENCIES" in page and 'class="occurrence"' not in page


@pytest.mark.timeout(30)  # a hang guard: each start time cost 5 seconds of CPU before
@pytest.mark.parametrize("rule", NEVER_MATCHING)
def test_the_preview_of_a_rule_that_never_matches_finishes_with_no_events(client, world, rule):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    for start_time in ("18:00", "18:07", "09:13"):  # a new start time was a new cache entry
        response = client.get(
            "/series/preview",
            query_string={**raw(world, rule, start_time=start_time), "lang": "en"},
        )
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "The series has no events." in page and 'class="occurrence"' not in page


@pytest.mark.parametrize(
    "changes",
    [{"weekdays": ["7"]}, {"weekdays": ["-1"]}, {"weekdays": ["1", "99999999999999999999"]}],
)
def test_a_weekday_that_is_not_one_is_a_form_error_not_a_crash_or_sunday(client, world, changes):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    preview = client.get("/series/preview", query_string={**form(world, **changes), "lang": "en"})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "is not a valid choice" in page and "Sunday" not in page
    saved = client.post("/series/new?lang=en", data=form(world, **changes))
    assert saved.status_code == 422 and count(Series) == 0


@pytest.mark.parametrize(
    "changes", [{"ordinal_weekday": "9"}, {"ordinal_weekday": "-1"}, {"ordinal": "7"}]
)
def test_a_monthly_weekday_that_is_not_one_is_a_form_error(client, world, changes):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    monthly = form(world, rule_kind="monthly_weekday", **changes)
    preview = client.get("/series/preview", query_string={**monthly, "lang": "en"})
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "is not a valid choice" in page and 'class="occurrence"' not in page
    assert client.post("/series/new?lang=en", data=monthly).status_code == 422
    assert count(Series) == 0


def test_the_live_preview_reads_duration_visibility_and_languages_as_typed(client, world):
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    typed = form(world, duration="45", languages=["ru"])
    del typed["is_public"]  # an unticked box is left out of the query
    page = client.get("/series/preview", query_string={**typed, "lang": "en"}).get_data(
        as_text=True
    )
    assert "45 minutes" in page and "90 minutes" not in page
    assert "not public" in page
    assert "working languages: Russian" in page


def test_the_live_preview_of_a_saved_series_reads_the_fields_not_the_saved_values(client, world):
    club = make_series(
        "tartu-club",
        org=world["tartu"],
        start=next_weekday(today(), 1),
        bounds=None,
        duration_minutes=90,
        languages=["et"],
        is_public=True,
    )
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    typed = form(world, series=str(club.id), duration="30", languages=["en", "ru"])
    del typed["is_public"]
    page = client.get("/series/preview", query_string={**typed, "lang": "en"}).get_data(
        as_text=True
    )
    assert (
        "30 minutes" in page
        and "not public" in page
        and "working languages: English, Russian" in page
    )


def test_the_command_line_refuses_a_rule_repeating_every_minute(runner, world):
    club = make_series(
        "tartu-club", org=world["tartu"], start=next_weekday(today(), 1), bounds=None
    )
    db.session.commit()
    result = runner.invoke(args=["series", "change", club.key, "--rule", "FREQ=MINUTELY"])
    assert result.exit_code != 0
    assert "repeats every minute" in result.output and "RULES_REFUSED_FREQUENCIES" in result.output
    db.session.expire_all()
    assert db.session.get(Series, club.id).rule == "FREQ=WEEKLY;BYDAY=TU"
    assert count(Event) == 0
