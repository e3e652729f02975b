"""Rolling a loaded plan into the next year drafts the same cadences on new dates."""

from __future__ import annotations

from datetime import datetime

import yaml
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.plans.models import Plan
from tests.factories import listed_events


def _events(runner, start, end, *extra):
    return listed_events(runner, *extra, start=start, end=end)


def test_roll_drafts_next_year_with_the_same_cadences(app, runner, tmp_path):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    output = tmp_path / "plan-2025.yaml"
    result = runner.invoke(args=["plan", "roll", "2024", "--to", "2025", "--output", str(output)])
    assert result.exit_code == 0, result.output

    draft = yaml.safe_load(output.read_text())
    assert draft["plan"]["year"] == 2025 and draft["plan"]["draft"] is True
    assert all(s["key"].startswith("2025-") for s in draft["series"])
    plan = db.session.scalar(select(Plan).where(Plan.year == 2025))
    assert plan.is_draft

    clubs = [
        e
        for e in _events(runner, "2025-01-01", "2026-01-01")
        if e["series_key"] == "2025-tartu-club-et"
    ]
    assert clubs and {datetime.fromisoformat(e["start"]).weekday() for e in clubs} == {1}
    assert not [e for e in clubs if datetime.fromisoformat(e["start"]).month in (7, 8, 9)]
    agency = [
        e
        for e in _events(runner, "2025-01-01", "2026-01-01", "--org", "tallinn")
        if "agency-network" in e["series_key"]
    ]
    assert len(agency) == 4


def test_roll_stops_at_the_end_of_an_activity_timeframe(app, runner, tmp_path):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    output = tmp_path / "plan-2026.yaml"
    result = runner.invoke(args=["plan", "roll", "2024", "--to", "2026", "--output", str(output)])
    assert result.exit_code == 0, result.output
    tartu = _events(runner, "2026-01-01", "2027-01-01", "--org", "tartu")
    assert tartu, "partners still meet in early 2026"
    assert all(e["start"] < "2026-04-02" for e in tartu), "partner timeframes end 01.04.2026"
    elvl = _events(runner, "2026-04-02", "2027-01-01", "--org", "elvl")
    assert any(e["type"] == "info_day" for e in elvl)


def test_roll_refuses_a_year_that_is_not_loaded(app, runner, tmp_path):
    result = runner.invoke(
        args=["plan", "roll", "2019", "--to", "2020", "--output", str(tmp_path / "x.yaml")]
    )
    assert result.exit_code != 0
    assert "no plan for 2019" in result.output


def test_roll_never_overwrites_a_draft_without_force(app, runner, tmp_path):
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    output = tmp_path / "plan-2025.yaml"
    output.write_text("# edited by hand\n")
    args = ["plan", "roll", "2024", "--to", "2025", "--output", str(output), "--no-load"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "--force" in refused.output
    assert output.read_text() == "# edited by hand\n"
    assert runner.invoke(args=[*args, "--force"]).exit_code == 0
    assert "year: 2025" in output.read_text()


def test_demo_without_replay_loads_2024_and_drafts_the_current_year(app, runner):
    from scheduler.core.time import utcnow

    result = runner.invoke(args=["plan", "demo", "--no-replay"])
    assert result.exit_code == 0, result.output
    years = {plan.year: plan.is_draft for plan in db.session.scalars(select(Plan))}
    assert years == {2024: False, utcnow().year: True}
    again = runner.invoke(args=["plan", "demo", "--no-replay"])
    assert again.exit_code == 0 and again.output.count("nothing changed") == 2
