"""`flask db backup PATH`: an online copy of the SQLite database that restores every row;
on PostgreSQL the command to use instead."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from scheduler import create_app
from scheduler.extensions import db
from tests.conftest import POSTGRES_URL, _config, _postgres_schema_url


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on a migrated SQLite file of its own."""
    app = create_app(
        _config(
            f"sqlite:///{tmp_path / 'live.sqlite'}",
            INSTANCE_PATH=str(tmp_path / "instance"),
            MAIL_CAPTURE_DIR=str(tmp_path / "mail"),
        )
    )
    with app.app_context():
        upgrade(revision="heads")
        yield app
        db.session.remove()
        db.engine.dispose()


def every_row(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            rows = {}
            for table in tables:
                columns = len(sa.inspect(connection).get_columns(table))
                order = ", ".join(str(i) for i in range(1, columns + 1))
                rows[table] = connection.execute(
                    sa.text(f'SELECT * FROM "{table}" ORDER BY {order}')
                ).all()
            return rows
    finally:
        engine.dispose()


def test_a_backup_of_the_2024_plan_restores_every_table_row_by_row(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["plan", "load"]).exit_code == 0
    backup = tmp_path / "backups" / "scheduler-2024.sqlite"

    result = runner.invoke(args=["db", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"to {backup}" in result.output

    live = every_row(sqlite_app.config["SQLALCHEMY_DATABASE_URI"])
    restored_app = create_app(
        _config(f"sqlite:///{backup}", INSTANCE_PATH=str(tmp_path / "restored"))
    )
    with restored_app.app_context():
        restored = every_row(str(db.engine.url))
        listing = restored_app.test_cli_runner().invoke(
            args=["events", "list", "--from", "2024-01-01", "--to", "2025-01-01"]
        )
    assert restored.keys() == live.keys()
    assert {"event", "series", "organisation", "alembic_version"} <= restored.keys()
    assert len(restored["event"]) > 100
    for table, rows in live.items():
        assert restored[table] == rows, table
    assert listing.exit_code == 0 and listing.output.count("\n") > 100


def test_the_backup_is_one_self_contained_file(sqlite_app, tmp_path):
    backup = tmp_path / "copy.sqlite"
    assert sqlite_app.test_cli_runner().invoke(args=["db", "backup", str(backup)]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == [
        "copy.sqlite"
    ]
    with sqlite3.connect(backup) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_existing_file_is_replaced_only_with_force(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "exists.sqlite"
    backup.write_text("yesterday's backup")
    refused = runner.invoke(args=["db", "backup", str(backup)])
    assert refused.exit_code != 0 and "exists" in refused.output
    assert backup.read_text() == "yesterday's backup"
    assert runner.invoke(args=["db", "backup", "--force", str(backup)]).exit_code == 0
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_on_postgresql_it_prints_the_pg_dump_command_and_fails(tmp_path):
    app = create_app(_config(_postgres_schema_url("elvl"), INSTANCE_PATH=str(tmp_path)))
    result = app.test_cli_runner().invoke(args=["db", "backup", "/var/backups/elvl.dump"])
    assert result.exit_code == 1
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    assert (
        "pg_dump --format=custom --no-owner --file=/var/backups/elvl.dump --schema=elvl "
        f"'{url}?options=-csearch_path%3Delvl'"
    ) in result.output
    assert "pg_restore --clean --if-exists --no-owner" in result.output


def test_the_printed_commands_never_show_the_database_password(tmp_path):
    url = "postgresql+psycopg://scheduler:hunter2@127.0.0.1:9/elvl"
    app = create_app(_config(url, INSTANCE_PATH=str(tmp_path)))
    result = app.test_cli_runner().invoke(args=["db", "backup", "elvl.dump"])
    assert "pg_dump --format=custom --no-owner --file=elvl.dump" in result.output
    assert "postgresql://scheduler@127.0.0.1:9/elvl" in result.output
    assert "hunter2" not in result.output and "PGPASSWORD" in result.output


def test_the_backup_and_a_database_file_the_app_creates_are_readable_by_the_owner_only(
    sqlite_app, tmp_path
):
    import os
    import stat

    old_umask = os.umask(0o022)  # the usual umask, which makes 0644 files
    try:
        backup = tmp_path / "private.sqlite"
        result = sqlite_app.test_cli_runner().invoke(args=["db", "backup", str(backup)])
        assert result.exit_code == 0, result.output
        fresh_file = tmp_path / "new" / "scheduler.sqlite"
        fresh_file.parent.mkdir()
        fresh_app = create_app(
            _config(f"sqlite:///{fresh_file}", INSTANCE_PATH=str(tmp_path / "new-instance"))
        )
        with fresh_app.app_context():
            upgrade(revision="heads")
            db.session.execute(sa.text("SELECT 1"))
            db.session.remove()
            db.engine.dispose()
    finally:
        os.umask(old_umask)
    modes = {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in [backup, *fresh_file.parent.iterdir()]
    }
    assert modes and all(mode == 0o600 for mode in modes.values()), modes
