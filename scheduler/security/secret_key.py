"""The key that signs sessions and emailed links: configured, or generated once per instance.

No key is ever shipped in the source. With no ``SECRET_KEY`` in the environment the first
process to start writes a random key to ``<instance>/secret_key`` (mode 0600) and every later
process, worker and command of the same instance reads that file. Creation is atomic: the
key is written to a private temporary file and hard-linked into place, so two processes
starting at once both end up with the one key that won the link.
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
    """Keep a configured SECRET_KEY; otherwise load (or create) the instance's key file."""
    if app.config.get("SECRET_KEY"):
        return
    app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def instance_secret_key(instance: Path) -> str:
    path = instance / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process linked its key first
            log.info("generated a new secret key in %s", path)
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
