"""``flask db backup PATH``: an online copy of the SQLite database; on PostgreSQL, pg_dump."""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group
from sqlalchemy.engine import URL, make_url

from ..core.private_files import create_private
from ..extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path: Path, force: bool) -> None:
    """Copy the database to PATH while the app keeps running (SQLite online backup).

    The copy is readable by its owner only (0600), like the database file the app creates."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        raise click.ClickException(
            "flask db backup copies SQLite only; back up PostgreSQL with pg_dump:\n"
            f"  {pg_dump_command(url, path)}\n"
            f"and restore with:\n  {pg_restore_command(url, path)}"
            + ("\n(the password goes in PGPASSWORD or ~/.pgpass)" if url.password else "")
        )
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise click.ClickException(f"cannot back up {url.get_backend_name()} database {url!r}")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: choose another path or add --force")
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = sqlite_backup(path)
    click.echo(f"backed up {url.database} to {path} ({pages} pages)")


def sqlite_backup(path: Path) -> int:
    """Copy page by page with sqlite3's online backup: consistent while others write."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)  # 0600: the copy holds password hashes
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)
            pages = target.execute("PRAGMA page_count").fetchone()[0]
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        raw.close()
    partial.replace(path)
    return pages


def _libpq_url(url: URL) -> str:
    """The URL for libpq tools: no SQLAlchemy driver, no password (give it in PGPASSWORD)."""
    return url.set(drivername="postgresql")._replace(password=None).render_as_string()


def pg_dump_command(url: URL | str, path: Path | str) -> str:
    """The pg_dump line for this database (the password, if any, goes in PGPASSWORD)."""
    url = make_url(url) if isinstance(url, str) else url
    arguments = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}"]
    arguments += _schema_options(url) + [_libpq_url(url)]
    return shlex.join(arguments)


def pg_restore_command(url: URL | str, path: Path | str) -> str:
    url = make_url(url) if isinstance(url, str) else url
    arguments = ["pg_restore", "--clean", "--if-exists", "--no-owner"]
    return shlex.join([*arguments, f"--dbname={_libpq_url(url)}", str(path)])


def _schema_options(url: URL) -> list[str]:
    """A search_path given in the URL's options names the schema to dump."""
    options = url.query.get("options", "")
    options = options if isinstance(options, str) else " ".join(options)
    for option in options.split():
        if option.startswith("-csearch_path="):
            return [f"--schema={option.split('=', 1)[1]}"]
    return []


db_group.add_command(backup)
commands: list = []
