"""Alembic migrations build exactly the models' schema, and undo it, on both databases."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from scheduler import create_app
from scheduler.extensions import db
from tests.conftest import POSTGRES_URL, _config, _postgres_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield _postgres_schema_url(schema)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(empty_database):
    app = create_app(_config(empty_database))
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert differences == []

        downgrade(revision="base")
        with db.engine.connect() as conn:
            remaining = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()
