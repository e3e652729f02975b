"""Rule bombs at every door a rule comes in by: the series editor's save, its live preview,
`flask series change`, a plan file and an imported .ics. Each is refused (naming a limit) or
finishes, and none leaves more events than a series may have (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from scheduler.events.models import Event, Series
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from tests.factories import make_org, make_series
from tests.series.conftest import SERIES_EDITOR, next_weekday, today
from tests.series.test_series_web import form
from tests.support.people import signed_in

# Every refusal names the setting it keeps (the preview's own deadline too, which a loaded
# machine may reach before any rule limit).
LIMIT_SETTINGS = (
    "RULES_",
    "SERIES_PREVIEW_DEADLINE_SECONDS",
    "PLAN_EXPAND_DEADLINE_SECONDS",
    "CALENDARS_",
)


def bombs(start: date) -> list[str]:
    until = (start + timedelta(days=6)).strftime("%Y%m%dT235900")
    return [
        f"FREQ=MINUTELY;UNTIL={until}",
        "FREQ=SECONDLY",
        "FREQ=HOURLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=SECONDLY;INTERVAL=11;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;COUNT=999999999",
    ]


PLAN = """
plan: {{year: {year}, title: Pomm, period: {{start: {year}-01-01, end: {year}-12-31}}}}
organisations:
  - {{slug: elvl, kind: implementer, name: Eesti Linnade ja Valdade Liit}}
activities:
  - code: "1"
    organisation: elvl
    title: Pomm
    timeframe: {{start: {year}-01-01, end: {end_year}-12-31}}
    dates: {{start: {year}-01-01, end: {year}-12-31}}
series:
  - key: bomb
    activity: "1"
    type: club
    title: Pomm
    start: {start}T10:00
    duration: 60
    rule: "{rule}"
"""

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bomb//EN\r\nBEGIN:VEVENT\r\n"
    "UID:bomb@example.org\r\nDTSTAMP:20240101T000000Z\r\n"
    "DTSTART;TZID=Europe/Tallinn:{start:%Y%m%d}T100000\r\n"
    "DTEND;TZID=Europe/Tallinn:{start:%Y%m%d}T110000\r\nRRULE:{rule}\r\nSUMMARY:Pomm\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def refused_or_finished(outcome: str, refused: bool) -> None:
    if refused:
        assert any(setting in outcome for setting in LIMIT_SETTINGS), outcome[-2000:]


def most_events_of_one_series(cap: int) -> None:
    db.session.expire_all()
    most = db.session.scalar(
        select(func.count(Event.id)).group_by(Event.series_id).order_by(func.count().desc())
    )
    assert (most or 0) <= cap
    assert db.session.scalar(select(func.count(Reminder.id))) <= 10 * cap


@pytest.fixture
def world_recipe():
    return SERIES_EDITOR


@pytest.mark.timeout(60)  # a hang guard; the test takes a few seconds
def test_rule_bombs_are_refused_or_finish_at_every_entry_point(
    app,
    client,
    runner,
    world,
    tmp_path,
):
    cap = app.config["RULES_MAX_OCCURRENCES_PER_SERIES"]
    # the deadlines as served (tests allow more)
    app.config.update(SERIES_PREVIEW_DEADLINE_SECONDS=1.0, RULES_DEADLINE_SECONDS=2.0)
    start = next_weekday(today(), 0)
    club = make_series("tartu-club", org=world["tartu"], start=start, bounds=None)
    make_org("parnu", name="Pärnu linn")
    db.session.commit()
    signed_in(client, "coord@tartu.ee", query="?lang=en")
    for number, rule in enumerate(bombs(start)):
        typed = form(world, rule_kind="raw", raw_rule=rule, start_date=start.isoformat())
        typed["pauses"] = ""

        saved = client.post("/series/new?lang=en", data=typed)
        assert saved.status_code in (200, 422)
        refused_or_finished(saved.get_data(as_text=True), saved.status_code == 422)

        preview = client.get("/series/preview", query_string={**typed, "lang": "en"})
        assert preview.status_code == 200
        page = preview.get_data(as_text=True)
        refused_or_finished(page, 'role="alert"' in page)

        changed = runner.invoke(args=["series", "change", club.key, "--rule", rule])
        refused_or_finished(changed.output, changed.exit_code != 0)

        plan_file = tmp_path / f"bomb-{number}.yaml"
        plan_file.write_text(
            PLAN.format(year=start.year, end_year=start.year + 3, start=start, rule=rule)
        )
        loaded = runner.invoke(args=["plan", "load", "--force", str(plan_file)])
        assert loaded.exception is None or loaded.exit_code == 1, repr(loaded.exception)
        refused_or_finished(loaded.output, loaded.exit_code != 0)

        ics_file = tmp_path / f"bomb-{number}.ics"
        ics_file.write_text(ICS.format(start=start, rule=rule))
        imported = runner.invoke(args=["calendars", "add", str(ics_file), "--org", "parnu"])
        refused_or_finished(imported.output, imported.exit_code != 0)

        most_events_of_one_series(cap)
    assert db.session.scalar(select(func.count(Series.id))) >= 1
