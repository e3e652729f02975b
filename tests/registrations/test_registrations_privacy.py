"""Nothing private leaks: names and emails of registrants appear on no public route, and
after the retention job they are gone while the counts stay."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from registrations_support import sign_up

from scheduler.core.time import zone
from scheduler.extensions import db
from scheduler.registrations.models import Registration
from scheduler.registrations.service import confirm, open_series

pytestmark = pytest.mark.postgres
SECRET = "zqxname"  # the name Zqxname, the email zqxname@example.ee
_ARGUMENT = re.compile(r"<(?:[a-z]+:)?(\w+)>")


def public_paths(app, event_id: int, slug: str) -> list[str]:
    """Every GET route a visitor can reach with an event id or a city slug filled in."""
    values = {"event_id": str(event_id), "slug": slug}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = _ARGUMENT.findall(rule.rule)
        if all(name in values for name in names):
            paths.append(_ARGUMENT.sub(lambda m: values[m.group(1)], rule.rule))
    return paths


def test_no_public_route_names_a_registrant(app, client, training, event):
    open_series(training, capacity=5, waitlist=False)
    row = sign_up(event, SECRET)
    confirm(row.id)
    event_id, slug = event.id, training.organisation.slug
    paths = public_paths(app, event_id, slug)
    assert f"/events/{event_id}" in paths and "/api/events" in paths
    for path in paths:
        body = client.get(path, query_string={"weeks": 52}).get_data().lower()
        assert SECRET.encode() not in body, path


def test_after_the_retention_job_the_data_is_gone_and_the_count_stays(runner, training, event):
    open_series(training, capacity=5, waitlist=False)
    row = sign_up(event, SECRET)
    confirm(row.id)
    past = (event.end + timedelta(days=91)).astimezone(zone()).replace(tzinfo=None).isoformat()
    result = runner.invoke(args=["registrations", "erase-expired", "--now", past])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    rows = db.session.query(Registration).all()
    assert len(rows) == 1 and str(rows[0].state) == "confirmed"
    assert all(SECRET not in str(getattr(rows[0], c.name)) for c in Registration.__table__.c)
