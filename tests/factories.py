"""Small builders for test data, so tests state only what matters to them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from scheduler.events.expansion import ExpansionReport, expand_series
from scheduler.events.models import Series
from scheduler.extensions import db
from scheduler.organisations.models import Organisation, OrganisationKind

FAR_HORIZON = datetime(2030, 1, 1, tzinfo=UTC)


def make_org(slug: str = "tartu", kind: OrganisationKind = OrganisationKind.PARTNER, **fields):
    org = db.session.query(Organisation).filter_by(slug=slug).one_or_none()
    if org is None:
        org = Organisation(slug=slug, name=fields.pop("name", slug.title()), kind=kind, **fields)
        db.session.add(org)
        db.session.flush()
    return org


def make_series(
    key: str = "s1",
    *,
    org: Organisation | None = None,
    rule: str | None = "FREQ=WEEKLY;BYDAY=TU",
    start: date = date(2024, 1, 2),
    at: time = time(18, 0),
    bounds: tuple[date, date] | None = (date(2024, 1, 1), date(2024, 12, 31)),
    **fields,
) -> Series:
    series = Series(
        key=key,
        organisation=org or make_org(),
        title=fields.pop("title", f"Series {key}"),
        event_type=fields.pop("event_type", "club"),
        start_date=start,
        start_time=at,
        duration_minutes=fields.pop("duration_minutes", 90),
        rule=rule,
        bound_start=bounds[0] if bounds else None,
        bound_end=bounds[1] if bounds else None,
        organisers=fields.pop("organisers", ["organiser@example.ee"]),
        languages=fields.pop("languages", ["et"]),
        **fields,
    )
    db.session.add(series)
    db.session.flush()
    return series


def expand(series: Series, horizon: datetime = FAR_HORIZON) -> ExpansionReport:
    report = expand_series(series, horizon)
    db.session.flush()
    return report


def listed_events(runner, *extra: str, start: str = "2024-01-01", end: str = "2025-01-01"):
    """What `flask events list --format json` prints for [start, end), as Python objects."""
    import json

    args = ["events", "list", "--from", start, "--to", end, "--format", "json", *extra]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)
