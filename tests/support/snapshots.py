"""The built-in plan, loaded once per test worker and database, then restored for each test.

`flask plan load` and `flask plan demo` take several seconds each, and about a hundred tests
start from their result. The first test of a worker that runs one of them on an empty database
runs it for real; its rows (every table) and the files it left in the instance folder are
kept, and later tests that run the same command on an empty database get them back in a few
milliseconds, with the same output and exit code. Anything else (another file, another
option, a database that is not empty) runs the command for real. Tests of the loader itself
opt out with ``@pytest.mark.real_plan_load``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from scheduler.extensions import db

#: commands whose result depends on nothing but the code and the day
CACHED_COMMANDS = (("plan", "load"), ("plan", "demo"), ("plan", "demo", "--no-replay"))
UNCOPIED_FILES = ("secret_key",)


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, list[dict]]
    files: dict[str, bytes]
    output: str
    exit_code: int
    instance: str  # the instance folder it was made in; paths in rows move to the new one


@dataclass(frozen=True)
class RestoredResult:
    """What the command printed and returned when it ran for real."""

    output: str
    exit_code: int
    exception: None = None
    stdout: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "stdout", self.output)


_SNAPSHOTS: dict[tuple[str, tuple[str, ...]], Snapshot] = {}


class SnapshotRunner(FlaskCliRunner):
    def invoke(self, cli=None, args=None, **kwargs):
        command = tuple(args or ())
        if cli is not None or kwargs or command not in CACHED_COMMANDS or not _is_empty():
            return super().invoke(cli, args, **kwargs)
        key = (str(db.engine.url), command)
        snapshot = _SNAPSHOTS.get(key)
        if snapshot is not None:
            _restore(snapshot, self._instance())
            return RestoredResult(snapshot.output, snapshot.exit_code)
        result = super().invoke(cli, args, **kwargs)
        if result.exit_code == 0:
            _SNAPSHOTS[key] = _capture(self._instance(), result.output)
        return result

    def _instance(self) -> Path:
        return Path(self.app.instance_path)


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _is_empty() -> bool:
    db.session.commit()
    return all(
        db.session.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is None
        for t in _tables()
    )


def _capture(instance: Path, output: str) -> Snapshot:
    db.session.commit()
    # in key order: a table's rows are restored in the order read, and a row may point at an
    # earlier one of its own table (an activity's parent); heap order is not insertion order
    rows = {
        t.name: [dict(r) for r in db.session.execute(_in_key_order(t)).mappings()]
        for t in _tables()
    }
    files = {
        str(path.relative_to(instance)): path.read_bytes()
        for path in instance.rglob("*")
        if path.is_file() and path.name not in UNCOPIED_FILES
    }
    return Snapshot(rows, files, output, 0, str(instance))


def _in_key_order(table: sa.Table) -> sa.Select:
    return table.select().order_by(*table.primary_key.columns)


def _restore(snapshot: Snapshot, instance: Path) -> None:
    for table in _tables():
        if snapshot.rows.get(table.name):
            rows = [
                _moved(row, snapshot.instance, str(instance)) for row in snapshot.rows[table.name]
            ]
            db.session.execute(table.insert(), rows)
    if db.engine.dialect.name == "postgresql":
        _advance_sequences()
    db.session.commit()
    for name, content in snapshot.files.items():
        path = instance / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _moved(row: dict, old: str, new: str) -> dict:
    """The row with paths into the old instance folder (a plan's source file) in the new one."""
    return {
        name: value.replace(old, new) if isinstance(value, str) and old in value else value
        for name, value in row.items()
    }


def _advance_sequences() -> None:
    for table in _tables():
        column = table.c.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            )
        )
