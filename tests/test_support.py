"""The shared test support: a restored plan is the plan a real load makes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from scheduler import create_app
from scheduler.core.time import utcnow
from scheduler.extensions import db
from tests.support.snapshots import RestoredResult, SnapshotRunner

ROW_ID = re.compile(r"/\d+/")  # a row id inside a key, e.g. a reminder's before/283/1d/…


def _contents() -> dict[str, list[tuple]]:
    """Every table's rows, leaving out row ids, also inside keys (they depend on what the
    tables held before), and the moments of the load itself (created_at and the like)."""
    recent = utcnow() - timedelta(hours=1)

    def kept(name, value):
        is_id = name == "id" or name.endswith("_id")
        return not is_id and not (isinstance(value, datetime) and value >= recent)

    return {
        table.name: sorted(
            tuple(ROW_ID.sub("/N/", repr(v)) for name, v in row.items() if kept(name, v))
            for row in db.session.execute(table.select()).mappings()
        )
        for table in db.metadata.sorted_tables
    }


def _empty() -> None:
    db.session.commit()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_a_restored_plan_holds_what_a_real_load_writes(app):
    snapshots = SnapshotRunner(app)
    first = snapshots.invoke(args=["plan", "load"])
    _empty()
    restored = snapshots.invoke(args=["plan", "load"])
    assert isinstance(restored, RestoredResult)
    assert (restored.exit_code, restored.output) == (first.exit_code, first.output)
    from_snapshot = _contents()
    assert len(from_snapshot["event"]) > 200

    _empty()
    real = app.test_cli_runner().invoke(args=["plan", "load"])
    assert real.exit_code == 0, real.output
    assert _contents() == from_snapshot


def test_a_database_that_is_not_empty_gets_a_real_load(app):
    snapshots = SnapshotRunner(app)
    snapshots.invoke(args=["plan", "load"])
    again = snapshots.invoke(args=["plan", "load"])
    assert not isinstance(again, RestoredResult)
    assert "nothing changed" in again.output
    assert db.session.scalar(sa.text("SELECT COUNT(*) FROM event")) > 200


def test_a_rule_shape_compiled_once_builds_the_urls_a_fresh_compile_builds(app):
    from tests.support import routing

    for rule in app.url_map.iter_rules():
        values = {name: "1" for name in rule.arguments}
        for append_unknown in (False, True):
            fresh = routing._original(rule, append_unknown).__get__(rule, None)
            shared = routing._compile_builder_once(rule, append_unknown).__get__(rule, None)
            try:
                expected = fresh(**values)
            except ValueError:  # "1" is not one of the rule's choices: both refuse it
                with pytest.raises(ValueError):
                    shared(**values)
                continue
            assert shared(**values) == expected, rule.rule
    compiled = len(routing._builders)
    assert compiled >= len(list(app.url_map.iter_rules()))
    create_app(dict(app.config))
    assert len(routing._builders) == compiled, "a second app compiles nothing new"


def test_emptying_the_tables_after_a_test_restarts_their_ids(app):
    from scheduler.organisations.models import Organisation, OrganisationKind
    from tests.conftest import _empty_all_tables

    first = Organisation(slug="first", name="First", kind=OrganisationKind.OTHER)
    db.session.add(first)
    db.session.commit()
    first_id = first.id
    db.session.remove()
    _empty_all_tables()
    again = Organisation(slug="again", name="Again", kind=OrganisationKind.OTHER)
    db.session.add(again)
    db.session.commit()
    assert again.id == first_id == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


def test_a_snapshot_restores_rows_that_point_at_later_ones_of_their_table(app):
    """An updated row moves to the end of a PostgreSQL table: the snapshot still restores a
    parent before the child that points at it."""
    from datetime import date

    from scheduler.plans.models import Activity
    from tests.factories import make_org
    from tests.support.snapshots import _capture, _restore

    org = make_org("tartu")
    span = {"organisation": org, "timeframe_start": date(2024, 1, 1)}
    parent = Activity(code="1", title="Parent", timeframe_end=date(2024, 12, 31), **span)
    child = Activity(code="1.1", title="Child", parent=parent, timeframe_end=date(2024, 6, 30))
    db.session.add(child)
    child.organisation, child.timeframe_start = org, span["timeframe_start"]
    db.session.commit()
    parent.title = "Parent, renamed"  # a new row version, after the child's
    db.session.commit()
    instance = Path(app.instance_path)
    snapshot = _capture(instance, "")
    _empty()
    _restore(snapshot, instance)
    restored = db.session.scalar(sa.select(Activity).where(Activity.code == "1.1"))
    assert restored.parent.title == "Parent, renamed"
