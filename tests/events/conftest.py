"""What several event tests start from: a weekly Tuesday series through 2024 (Elva exists, so
an outcome can name a local government) and a client signed in as an admin."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.accounts.models import Role
from scheduler.extensions import db
from tests.factories import expand, make_org, make_series
from tests.support.people import signed_in_as


@pytest.fixture
def series(app):
    make_org("elva", name="Elva vald")
    series = make_series(bounds=(date(2024, 1, 1), date(2024, 12, 31)))
    expand(series)
    db.session.commit()
    return series


@pytest.fixture
def admin_client(app, client):
    signed_in_as(client, Role.ADMIN)
    return client
