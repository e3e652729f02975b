"""The 2024 plan's per-organisation feeds: small enough for Google, read alike by two parsers."""

from __future__ import annotations

from feeds_helpers import (
    YEAR_2024,
    events_list,
    expected_occurrences,
    read_with_ical,
    read_with_recurring_ical_events,
)

from scheduler.extensions import db
from scheduler.organisations.models import Organisation

GOOGLE_LIMIT = 1024 * 1024


def test_per_organisation_feeds_are_small_and_parse_alike(client, runner, plan_2024):
    slugs = db.session.scalars(
        db.select(Organisation.slug).where(Organisation.kind.in_(["implementer", "partner"]))
    ).all()
    assert len(slugs) >= 6
    for slug in slugs:
        expected = expected_occurrences(events_list(runner, "--public-only", "--org", slug))
        for mode in ("occurrences", "series"):
            body = client.get(
                f"/feeds/org/{slug}.ics", query_string={**YEAR_2024, "mode": mode}
            ).data
            assert len(body) < GOOGLE_LIMIT, (slug, mode, len(body))
            assert read_with_recurring_ical_events(body) == expected, (slug, mode)
            assert read_with_ical(body) == expected, (slug, mode)
