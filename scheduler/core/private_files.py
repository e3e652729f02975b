"""Files holding password hashes are readable by their owner only (0600).

SQLite creates a missing database file with the process umask (usually 0644: readable by
every local user), and its -wal and -shm files copy the database file's mode. So the app
creates a missing SQLite file itself, empty and 0600, before SQLite opens it; the backup
command writes its copy the same way. A file that exists is left as the operator made it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

PRIVATE_MODE = 0o600


def create_private(path: str | os.PathLike) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True if it was created."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return False
    os.close(handle)
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_MODE)  # a default ACL on the folder may have added bits
    return True


def sqlite_file(cargs: tuple, cparams: dict) -> Path | None:
    """The database file a pysqlite connection will open, or None (memory, URI forms)."""
    if not cargs or cparams.get("uri"):
        return None
    name = str(cargs[0])
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name)


def _create_before_connect(dialect, _record, cargs, cparams) -> None:
    if dialect.name != "sqlite":
        return
    path = sqlite_file(tuple(cargs), cparams)
    if path is not None and path.parent.is_dir():
        create_private(path)


def keep_new_sqlite_files_private() -> None:
    """Register, once per process, the hook that creates missing SQLite files as 0600."""
    if not event.contains(Engine, "do_connect", _create_before_connect):
        event.listen(Engine, "do_connect", _create_before_connect)
