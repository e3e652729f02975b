"""Plan files that are not text, too large, or YAML alias bombs are refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scheduler.events.models import Series
from scheduler.extensions import db
from scheduler.plans.loader import builtin_plan_path

# 9 ** 8 (43 million) list items once expanded, from a file under 500 bytes.
ALIAS_BOMB = """
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
"""


def _series_count() -> int:
    return db.session.scalar(select(func.count(Series.id)))


@pytest.mark.parametrize("command", ["load", "validate"])
def test_a_plan_file_that_is_not_utf8_is_named_with_its_first_bad_byte(runner, tmp_path, command):
    text = builtin_plan_path().read_text(encoding="utf-8")
    latin1 = tmp_path / "plan-latin1.yaml"
    latin1.write_bytes(text.encode("latin-1", errors="replace"))
    first_bad = next(i for i, byte in enumerate(latin1.read_bytes()) if byte > 127)

    result = runner.invoke(args=["plan", command, str(latin1)])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"{latin1}:" in result.output
    assert f"not UTF-8 text (byte {first_bad})" in result.output
    assert _series_count() == 0


def test_a_yaml_alias_bomb_is_refused_before_it_is_expanded(runner, tmp_path):
    text = builtin_plan_path().read_text(encoding="utf-8")
    bomb = tmp_path / "plan-bomb.yaml"
    bomb.write_text(ALIAS_BOMB + text, encoding="utf-8")
    assert len(ALIAS_BOMB) < 500

    result = runner.invoke(args=["plan", "load", str(bomb)])

    assert result.exit_code == 1
    assert "aliases expand to more than" in result.output
    assert _series_count() == 0


def test_a_few_aliases_that_save_typing_are_still_fine(runner, tmp_path):
    text = builtin_plan_path().read_text(encoding="utf-8")
    organisers = "    organisers: [klubi@tartu.ee]"
    assert organisers in text
    with_alias = text.replace(organisers, "    organisers: &club [klubi@tartu.ee]", 1)
    with_alias = with_alias.replace(organisers, "    organisers: *club")
    plan = tmp_path / "plan-aliases.yaml"
    plan.write_text(with_alias, encoding="utf-8")

    result = runner.invoke(args=["plan", "validate", str(plan)])

    assert result.exit_code == 0, result.output


def test_a_plan_file_larger_than_the_limit_is_refused(app, runner, tmp_path):
    app.config["PLAN_MAX_BYTES"] = 10_000
    result = runner.invoke(args=["plan", "load", str(builtin_plan_path())])

    assert result.exit_code == 1
    assert "too large for a plan file (more than 10,000 bytes)" in result.output
    assert _series_count() == 0
