"""The plan file carries what the public site shows: descriptions per language and whether
the organisers agreed to have their contact shown."""

from __future__ import annotations

from sqlalchemy import select

from scheduler.events.models import Series
from scheduler.extensions import db
from scheduler.plans.loader import builtin_plan_path


def test_descriptions_per_language_and_the_contact_flag_load_from_the_plan(runner, tmp_path):
    edited = (
        builtin_plan_path()
        .read_text()
        .replace(
            "    organisers: [klubi@tartu.ee]\n    start: 2024-01-04T17:30",
            "    organisers: [klubi@tartu.ee]\n"
            "    contact_public: true\n"
            "    description: Vestlusklubi inglise keeles.\n"
            "    description_en: A conversation club in English.\n"
            "    description_ru: Разговорный клуб на английском.\n"
            "    start: 2024-01-04T17:30",
        )
    )
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(edited)
    result = runner.invoke(args=["plan", "load", str(plan_file)])
    assert result.exit_code == 0, result.output

    club = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-en"))
    assert club.contact_public is True
    assert (club.description, club.description_en, club.description_ru) == (
        "Vestlusklubi inglise keeles.",
        "A conversation club in English.",
        "Разговорный клуб на английском.",
    )
    other = db.session.scalar(select(Series).where(Series.key == "2024-tartu-club-et"))
    assert other.contact_public is False, "no contact is shown unless the plan says so"
