"""Start the clock inside the web app, in exactly one process.

- Not in the Werkzeug reloader's watcher process (debug without WERKZEUG_RUN_MAIN): only
  its child serves requests. The clock starts on the first request, which the watcher
  never gets, and the check below makes it explicit.
- Not once per web worker: the first process to take a lock runs the clock; the others
  try again at most once a minute, so one takes over if the holder dies. The lock is a
  PostgreSQL advisory lock (works across hosts) or, on SQLite, an flock on a file.
Even if two clocks ran, nothing would be sent twice: the dispatcher claims rows atomically.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import text

from ..extensions import db
from .clock import make_scheduler

log = logging.getLogger(__name__)
RETRY_SECONDS = 60
_starting = threading.Lock()


def is_reloader_watcher(app: Flask) -> bool:
    return bool(app.debug) and os.environ.get("WERKZEUG_RUN_MAIN") != "true"


def _state(app: Flask) -> dict:
    return app.extensions.setdefault(
        "scheduler.clock", {"scheduler": None, "lock": None, "tried_at": None}
    )


def running_scheduler(app: Flask) -> BackgroundScheduler | None:
    return _state(app)["scheduler"]


class _FileLock:
    def __init__(self, path: str) -> None:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.handle = open(path, "a+")  # noqa: SIM115 - held for the life of the clock

    def acquire(self) -> bool:
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            return False
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()}\n")
        self.handle.flush()
        return True

    def release(self) -> None:
        self.handle.close()


class _AdvisoryLock:
    def __init__(self, key: int) -> None:
        self.key = key
        self.connection = db.engine.connect()  # kept open: the lock lives with the session

    def acquire(self) -> bool:
        taken = self.connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
        self.connection.commit()
        if not taken.scalar():
            self.connection.close()
            return False
        return True

    def release(self) -> None:
        self.connection.close()


def _take_lock(app: Flask):
    if db.engine.dialect.name == "postgresql":
        lock = _AdvisoryLock(int(app.config["SCHEDULER_LOCK_KEY"]))
    else:
        lock = _FileLock(app.config["SCHEDULER_LOCK_FILE"])
    return lock if lock.acquire() else None


def start_embedded(app: Flask) -> bool:
    """Start the clock here if this process may and no other process runs it; True if running."""
    state = _state(app)
    if state["scheduler"] is not None:
        return True
    if not app.config["SCHEDULER_EMBEDDED"] or is_reloader_watcher(app):
        return False
    tried_at = state["tried_at"]
    if tried_at is not None and time.monotonic() - tried_at < RETRY_SECONDS:
        return False
    with _starting:
        if state["scheduler"] is not None:
            return True
        state["tried_at"] = time.monotonic()
        lock = _take_lock(app)
        if lock is None:
            log.info("the job clock runs in another process; this one serves pages only")
            return False
        scheduler = make_scheduler(app, BackgroundScheduler)
        scheduler.start()
        state.update(scheduler=scheduler, lock=lock)
        atexit.register(stop_embedded, app)
        log.info("job clock started in process %s", os.getpid())
        return True


def stop_embedded(app: Flask, *, wait: bool = False) -> None:
    """Stop the clock; with wait, only after the jobs already running have finished."""
    state = _state(app)
    scheduler, lock = state["scheduler"], state["lock"]
    state.update(scheduler=None, lock=None, tried_at=None)
    if scheduler is not None:
        scheduler.shutdown(wait=wait)
    if lock is not None:
        lock.release()
