"""The key that signs sessions and emailed links: configured, or generated once per instance.

No key is ever shipped in the source. With no ``SECRET_KEY`` in the environment the first
process to start writes a random key to ``<instance>/secret_key`` (mode 0600) and every later
process, worker and command of the same instance reads that file. Creation is atomic: the
key is written to a private temporary file and hard-linked into place, so two processes
starting at once both end up with the one key that won the link.

A generated key belongs to one instance folder, so to one host. Where several nodes may serve
one site — BASE_URL is https, or the database is not SQLite (PostgreSQL is how nodes share
one) — each would sign with a key of its own: sessions and emailed links made on one node
would be refused by the others. There the app refuses to start without SECRET_KEY, before
generating anything (docs/security.md says how to share one key).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from flask import Flask

KEY_FILE_NAME = "secret_key"

log = logging.getLogger(__name__)


class SecretKeyError(RuntimeError):
    """The instance's key file exists but cannot be used."""


def ensure_secret_key(app: Flask) -> None:
    """Keep a configured SECRET_KEY; otherwise load (or create) the instance's key file,
    unless this is a site that several nodes may serve."""
    if app.config["SECRET_KEY"]:
        return
    reason = shared_key_needed(app)
    if reason:
        raise SecretKeyError(
            f"no SECRET_KEY is set and {reason}: every web node and worker must sign with the "
            "same key, and a key generated in one instance folder is that host's alone. Set "
            "SECRET_KEY to one random value on every node, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'` "
            '(docs/security.md, "The secret key").'
        )
    app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def shared_key_needed(app: Flask) -> str | None:
    """Why this site may be served by several nodes, or None (a local SQLite setup)."""
    if str(app.config["BASE_URL"]).lower().startswith("https://"):
        return "BASE_URL is https"
    database = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if database and not database.startswith("sqlite"):
        return "DATABASE_URL is not SQLite (several nodes may share it)"
    return None


def instance_secret_key(instance: Path) -> str:
    path = instance / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _create_key_file(path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise SecretKeyError(
            f"no SECRET_KEY is set and none can be kept in {path} ({error.strerror}): set "
            "SECRET_KEY in the environment, or make the instance folder (SCHEDULER_INSTANCE) "
            "writable so that one is generated there"
        ) from None
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process linked its key first
            log.warning(
                "no SECRET_KEY is set: generated a new secret key in %s; it is this host's "
                "alone (a site served by several nodes sets SECRET_KEY on each)",
                path,
            )
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def _read_key_file(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s is readable by others (mode %o); chmod 600 it", path, mode)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise SecretKeyError(
            f"{path} holds no usable key (at least 32 characters); "
            "delete it to generate a new one or set SECRET_KEY"
        )
    return key
