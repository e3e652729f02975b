"""Bounding every wait for the database, and knowing when it does not answer.

Several nodes share one database; when it stops answering (down, frozen, unreachable) no
request, job or health check may hang on it. On PostgreSQL each connection therefore gets

- a server-side ``statement_timeout`` and ``lock_timeout`` (DATABASE_STATEMENT_TIMEOUT_SECONDS,
  DATABASE_LOCK_TIMEOUT_SECONDS), a ``connect_timeout`` and TCP keepalives with a
  ``tcp_user_timeout`` (a host that vanished from the network);
- a client-side bound on every wait for an answer (query, fetch, commit, rollback): a server
  that is frozen (SIGSTOP, a paused VM) answers nothing, not even its own statement timeout,
  while the kernel still acknowledges every packet. After the statement timeout and half a
  second more the connection is closed and the query fails with ``OperationalError``; the
  pool drops the connection.

The pool waits at most DATABASE_POOL_TIMEOUT_SECONDS for a free connection. When a query
fails because the database cannot be reached, :class:`DatabaseState` remembers it for
DATABASE_RETRY_AFTER_SECONDS: meanwhile requests are answered 503 at once (``errors``)
instead of each waiting out the bound again.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url

log = logging.getLogger(__name__)

#: How much longer than the server's statement timeout the client waits for an answer.
CLIENT_GRACE_SECONDS = 0.5
KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def engine_options(app: Flask) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the pool's checkout bound (not for SQLite, whose
    in-memory pools take no timeout)."""
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        options.setdefault("pool_timeout", float(app.config["DATABASE_POOL_TIMEOUT_SECONDS"]))
    return options


def client_bound(app: Flask) -> float | None:
    """Seconds a query may wait for an answer on the client; None: unbounded."""
    statement = float(app.config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] or 0)
    return statement + CLIENT_GRACE_SECONDS if statement > 0 else None


def bound_engine(app: Flask, engine: Engine) -> None:
    """Every new PostgreSQL connection of ``engine`` gets the timeouts above; every
    connection failure of any backend is reported to the app's :class:`DatabaseState`."""
    state = database_state(app)
    state.retry_after = float(app.config["DATABASE_RETRY_AFTER_SECONDS"])
    event.listen(engine, "handle_error", state.on_error)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "do_connect", _connector(app))


def _connector(app: Flask):
    import psycopg

    config = app.config
    server_options = []
    for setting, name in (
        ("DATABASE_STATEMENT_TIMEOUT_SECONDS", "statement_timeout"),
        ("DATABASE_LOCK_TIMEOUT_SECONDS", "lock_timeout"),
    ):
        milliseconds = int(float(config[setting] or 0) * 1000)
        server_options.append(f"-c {name}={milliseconds}")
    connect_timeout = int(config["DATABASE_CONNECT_TIMEOUT_SECONDS"] or 0)
    bound = client_bound(app)

    class BoundedConnection(psycopg.Connection):
        """psycopg's connection whose every wait for the server ends after ``bound``."""

        def wait(self, gen, interval=0.1, timeout=None):
            try:
                return super().wait(gen, interval=interval, timeout=timeout or bound)
            except psycopg.errors.OperationalError as error:
                if type(error).__name__ != "_WaitTimeout":
                    raise
                self.pgconn.finish()  # mid-protocol: the connection cannot be reused
                raise psycopg.OperationalError(
                    f"the database did not answer within {bound:g} s"
                ) from None

    def connect(_dialect, _record, cargs, cparams):
        cparams["options"] = " ".join(filter(None, [cparams.get("options"), *server_options]))
        if connect_timeout:
            cparams.setdefault("connect_timeout", connect_timeout)
        for name, value in KEEPALIVE.items():
            cparams.setdefault(name, value)
        if bound:
            cparams.setdefault("tcp_user_timeout", int(bound * 1000))
        return BoundedConnection.connect(*cargs, **cparams)

    return connect


class DatabaseState:
    """Whether the database was found unreachable lately (per process)."""

    def __init__(self) -> None:
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.retry_after = 5.0

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def mark_down(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_after

    def on_error(self, context) -> None:
        """SQLAlchemy's ``handle_error``: a lost connection, or none to be had."""
        failed_to_connect = context.connection is None and type(
            context.original_exception
        ).__name__ in {"OperationalError", "ConnectionTimeout"}
        if context.is_disconnect or failed_to_connect:
            self.mark_down()


def is_database_unavailable(error: BaseException) -> bool:
    """An error that means "the database is not answering now; try again later": a failed
    or lost connection, a wait beyond the bound, a full pool, a statement or lock timeout,
    SQLite's "database is locked" (not: a wrong query, which SQLite also calls operational)."""
    if isinstance(error, exc.TimeoutError | DatabaseUnavailableError):
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(words in str(error.orig) for words in _SQLITE_UNAVAILABLE)
    return True


_SQLITE_UNAVAILABLE = ("database is locked", "unable to open", "disk I/O error")


class DatabaseUnavailableError(RuntimeError):
    """Raised without trying, while the database was found unreachable moments ago."""


def database_state(app: Flask) -> DatabaseState:
    return app.extensions.setdefault("database.state", DatabaseState())


def one_line(error: BaseException) -> str:
    """An error as one short log line: its type and the first line of its message."""
    original = getattr(error, "orig", None) or error
    message = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {message[:200]}"
