"""Refuse, at start-up, production settings that cannot work.

``create_app`` calls :func:`refuse_unworkable_settings` once every feature is set up, so
``flask run``, ``flask worker`` and gunicorn fail at once with every problem named, instead
of serving forgeable sessions, corrupting a shared SQLite file or losing mail.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

#: Keys that anybody can read in the source; never good enough for a public site.
PUBLIC_SECRET_KEYS = {"", "dev-only-change-me"}
#: Where a generated key is kept, relative to the instance folder.
SECRET_KEY_FILE = "secret_key"


class UnworkableSettings(RuntimeError):
    """The configuration cannot work in production; the message says what to change."""


def secret_key_problem(app: Flask) -> str | None:
    """An https site needs a key of its own: from the environment, the configuration or
    persisted in the instance folder (``instance/secret_key``)."""
    if not str(app.config["BASE_URL"]).lower().startswith("https://"):
        return None
    if os.environ.get("SECRET_KEY") or _secret_key_file(app).is_file():
        return None
    if str(app.config["SECRET_KEY"] or "") not in PUBLIC_SECRET_KEYS:
        return None
    return (
        "BASE_URL is https but no SECRET_KEY is set or persisted: anyone could sign sessions "
        f"and links with the key from the source. Set SECRET_KEY or keep one in "
        f"{_secret_key_file(app)} (mode 0600)."
    )


def _secret_key_file(app: Flask) -> Path:
    return Path(app.instance_path) / SECRET_KEY_FILE


def web_workers(app: Flask) -> int:
    """How many web processes will serve this app: WEB_WORKERS, WEB_CONCURRENCY (gunicorn's
    default) or gunicorn's ``-w``/``--workers`` on its command line; 1 when none says."""
    configured = int(app.config["WEB_WORKERS"])
    if configured:
        return configured
    if os.environ.get("WEB_CONCURRENCY", "").strip().isdigit():
        return int(os.environ["WEB_CONCURRENCY"])
    arguments = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    if Path(sys.argv[0]).name.startswith("gunicorn"):
        arguments = sys.argv[1:] + arguments
    return _workers_option(arguments) or 1


def _workers_option(arguments: list[str]) -> int | None:
    found = None
    for i, argument in enumerate(arguments):
        value = None
        if argument in {"-w", "--workers"} and i + 1 < len(arguments):
            value = arguments[i + 1]
        elif argument.startswith("--workers="):
            value = argument.split("=", 1)[1]
        elif argument.startswith("-w") and argument[2:].isdigit():
            value = argument[2:]
        if value is not None and value.isdigit():
            found = int(value)
    return found


def sqlite_wal_problem(app: Flask) -> str | None:
    """Several web processes may share an SQLite file only in WAL mode (readers do not block
    the writer); an in-memory database is one per process and cannot be shared at all."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    workers = web_workers(app)
    if url.get_backend_name() != "sqlite" or workers <= 1:
        return None
    from ..extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            mode = str(connection.execute(text("PRAGMA journal_mode")).scalar()).lower()
        db.engine.dispose()  # no SQLite connection may outlive a fork (gunicorn --preload)
    if mode == "wal":
        return None
    return (
        f"{workers} web workers share the SQLite database {url.database or ':memory:'!r} whose "
        f"journal mode is {mode!r}, not WAL: use a database file on a local disk (WAL is set "
        "on it at connect), PostgreSQL, or WEB_WORKERS=1."
    )


def mail_problem(app: Flask) -> str | None:
    """Without a mail server, mail is captured as files: the folder must be writable."""
    if app.config["MAIL_SERVER"]:
        return None
    folder = str(app.config["MAIL_CAPTURE_DIR"] or "").strip()
    if not folder:
        return "no MAIL_SERVER and no MAIL_CAPTURE_DIR: reminders would be lost. Set one."
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK | os.X_OK)
    except OSError:
        writable = False
    if writable:
        return None
    return (
        f"no MAIL_SERVER and MAIL_CAPTURE_DIR {folder!r} cannot be written: reminders would be "
        "lost. Set MAIL_SERVER or a writable MAIL_CAPTURE_DIR."
    )


CHECKS: list[Callable[[Flask], str | None]] = [secret_key_problem, sqlite_wal_problem, mail_problem]


def unworkable_settings(app: Flask) -> list[str]:
    return [problem for check in CHECKS if (problem := check(app))]


def refuse_unworkable_settings(app: Flask) -> None:
    problems = unworkable_settings(app)
    if problems:
        raise UnworkableSettings(
            "refusing to start with settings that cannot work:\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )
