"""Builders for the indicator tests: organisations, one-off events at local times, indicators."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from scheduler.core.time import parse_local_datetime
from scheduler.events.models import Event, EventStatus, Series
from scheduler.extensions import db
from scheduler.indicators.models import Indicator, IndicatorTarget
from scheduler.organisations.models import Organisation, OrganisationKind

KINDS = {k.value: k for k in OrganisationKind}


class Builder:
    """Creates rows directly, so that each test states exactly the events it counts."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], Series] = {}

    def org(self, slug: str, kind: str = "partner") -> Organisation:
        org = db.session.query(Organisation).filter_by(slug=slug).one_or_none()
        if org is None:
            org = Organisation(slug=slug, name=f"{slug.title()} org", kind=KINDS[kind])
            db.session.add(org)
            db.session.flush()
        return org

    def series(self, org: str, event_type: str) -> Series:
        key = (org, event_type)
        if key not in self._series:
            kind = "implementer" if org == "elvl" else "partner"
            series = Series(
                key=f"{org}-{event_type}",
                organisation=self.org(org, kind),
                title=f"{org} {event_type}",
                event_type=event_type,
                start_date=date(2023, 1, 1),
                start_time=time(10, 0),
                rule=None,
                languages=["et"],
                organisers=[],
            )
            db.session.add(series)
            db.session.flush()
            self._series[key] = series
        return self._series[key]

    def event(
        self,
        local_start: str,
        event_type: str = "info_day",
        org: str = "elvl",
        status: str = "planned",
        kovs: tuple[str, ...] = (),
        attendance: int | None = None,
    ) -> Event:
        """``local_start``: "YYYY-MM-DD HH:MM" wall-clock time in Europe/Tallinn."""
        start = parse_local_datetime(local_start.replace(" ", "T"))
        event = Event(
            series=self.series(org, event_type),
            original_start=start,
            start=start,
            end=start + timedelta(hours=2),
            status=EventStatus(status),
            attendance=attendance,
            participants=[self.org(slug, "kov") for slug in kovs],
        )
        db.session.add(event)
        db.session.flush()
        return event

    def indicator(
        self,
        code: str,
        counting: dict,
        *,
        targets: dict[int, int] | None = None,
        final: int | None = None,
        scope: str = "year",
        table: str = "6",
        unit: str = "count",
    ) -> Indicator:
        indicator = Indicator(
            code=code,
            table=table,
            name=f"Indicator {code}",
            name_en=f"Indicator {code} (en)",
            unit=unit,
            rule=counting,
            target_scope=scope,
        )
        for year, value in (targets or {}).items():
            indicator.targets.append(IndicatorTarget(year=year, kind="year", value=Decimal(value)))
        if final is not None:
            indicator.targets.append(IndicatorTarget(year=2029, kind="final", value=Decimal(final)))
        db.session.add(indicator)
        db.session.flush()
        return indicator


@pytest.fixture
def build(app) -> Builder:
    return Builder()


@pytest.fixture
def now() -> datetime:
    """A fixed "now" in mid-2024: earlier planned events await an outcome."""
    return datetime.fromisoformat("2024-07-01T12:00:00+03:00")
