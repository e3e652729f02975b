"""Every wait for PostgreSQL is bounded: statement and lock timeouts on the server, the pool's
checkout, and on the client a bound that holds even when the server is frozen (issue 15.15)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from scheduler import create_app
from scheduler.core.database import database_state
from scheduler.extensions import db
from tests.conftest import POSTGRES_URL, _config


def _app(url: str, tmp_path, **settings):
    return create_app(_config(url, INSTANCE_PATH=str(tmp_path), **settings))


@pytest.mark.postgres
def test_every_connection_has_statement_and_lock_timeouts_and_the_pool_a_checkout_bound(
    tmp_path,
):
    app = _app(
        POSTGRES_URL,
        tmp_path,
        DATABASE_STATEMENT_TIMEOUT_SECONDS=1.5,
        DATABASE_LOCK_TIMEOUT_SECONDS=0.25,
        DATABASE_POOL_TIMEOUT_SECONDS=2,
    )
    with app.app_context():
        with db.engine.connect() as connection:
            shown = [
                connection.execute(sa.text(f"SHOW {name}")).scalar()
                for name in ("statement_timeout", "lock_timeout")
            ]
            assert shown == ["1500ms", "250ms"]
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
                connection.execute(sa.text("SELECT pg_sleep(5)"))
            assert time.monotonic() - started < 3
        assert db.engine.pool.timeout() == 2
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.timeout(60)
def test_a_frozen_server_fails_a_query_within_the_bound_and_serves_again_after(
    private_postgres, tmp_path
):
    app = _app(private_postgres.url, tmp_path, DATABASE_STATEMENT_TIMEOUT_SECONDS=1)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1
        private_postgres.freeze()
        try:
            started = time.monotonic()
            with (
                pytest.raises(sa.exc.OperationalError, match="did not answer within 1.5 s"),
                db.engine.connect() as connection,
            ):
                connection.execute(sa.text("SELECT 1"))
            assert time.monotonic() - started < 3
            assert database_state(app).is_down()
        finally:
            private_postgres.thaw()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1
        db.engine.dispose()
