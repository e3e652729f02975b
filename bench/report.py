"""Benchmark: the full indicator report against the bare aggregate SQL it needs.

Builds 200,000 events with outcomes (held with attendance and participating KOVs,
not held, cancelled, still planned) over 2023–2029 for the plan's seven indicators, then
times, in the same run and interleaved, ``build_report(year)`` and the bare execution of
the aggregate statements the report runs. Prints one final ``key=value`` line with
``vs_sql=`` (report time ÷ bare SQL time; the target is within 1.5).

    .venv/bin/python bench/report.py                      # SQLite file /tmp/bench-report.sqlite
    .venv/bin/python bench/report.py --database postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from config import Config  # noqa: E402
from scheduler import create_app  # noqa: E402
from scheduler.core.time import utcnow  # noqa: E402
from scheduler.events.models import Event, EventParticipation, Series  # noqa: E402
from scheduler.extensions import db  # noqa: E402
from scheduler.indicators.models import Indicator, IndicatorTarget  # noqa: E402
from scheduler.indicators.queries import (  # noqa: E402
    aggregate_statements,
    fetch_event_counts,
    fetch_participations,
)
from scheduler.indicators.report import build_report, load_indicators, parse_rules, year_window  # noqa: E402
from scheduler.organisations.models import Organisation, OrganisationKind  # noqa: E402

PARTNERS = ("tartu", "tallinn", "rakvere", "saaremaa", "parnu")
TYPES = ("info_day", "training", "study_trip", "network_meeting", "club", "excursion")
INDICATORS = [  # code, table, unit, counting, 2024 target, 2029 target
    ("coordinators", "2", "count", {"kind": "manual"}, 5, 7),
    ("journey_model_kovs", "4", "count", {"kind": "manual"}, 0, 7),
    ("info_days", "6", "count", {"kind": "held_events", "types": ["info_day"]}, 3, 12),
    (
        "national_trainings",
        "8",
        "count",
        {"kind": "held_events", "types": ["training"], "orgs": ["elvl"]},
        3,
        12,
    ),
    (
        "training_participations",
        "8",
        "participations",
        {"kind": "kov_participations", "types": ["training", "study_trip", "network_meeting"]},
        20,
        45,
    ),
    (
        "local_networks",
        "14",
        "count",
        {"kind": "distinct_orgs", "types": ["network_meeting"], "org_kinds": ["partner"]},
        5,
        7,
    ),
    ("participation_councils", "14", "count", {"kind": "manual"}, 2, 7),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite:////tmp/bench-report.sqlite")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args()


def fresh_schema(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db.drop_all()
    db.create_all()


def build_data(count: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    now = utcnow()
    orgs = [("elvl", OrganisationKind.IMPLEMENTER)]
    orgs += [(slug, OrganisationKind.PARTNER) for slug in PARTNERS]
    orgs += [(f"kov-{i:02d}", OrganisationKind.KOV) for i in range(74)]
    db.session.execute(
        sa.insert(Organisation), [{"slug": s, "name": s.title(), "kind": k} for s, k in orgs]
    )
    org_ids = dict(db.session.execute(sa.select(Organisation.slug, Organisation.id)).all())
    kov_ids = [org_ids[s] for s, k in orgs if k != OrganisationKind.IMPLEMENTER]
    series_rows = []
    for number, (slug, _kind) in enumerate(orgs[:6] * 20):
        series_rows.append(
            {
                "key": f"bench-{number}",
                "organisation_id": org_ids[slug],
                "title": f"Bench series {number}",
                "event_type": TYPES[number % len(TYPES)],
                "languages": ["et"],
                "organisers": [],
                "start_date": date(2023, 1, 1),
                "start_time": time_of_day(10, 0),
                "rdates": [],
                "exdates": [],
                "pauses": [],
            }
        )
    db.session.execute(sa.insert(Series), series_rows)
    series = db.session.execute(sa.select(Series.id, Series.event_type)).all()
    start = datetime(2023, 1, 1, tzinfo=UTC)
    span = (datetime(2030, 1, 1, tzinfo=UTC) - start).total_seconds()
    event_rows = []
    for index in range(count):
        series_id, _etype = series[index % len(series)]
        at = start + timedelta(seconds=int(rng.random() * span))
        at = at.replace(second=index % 60, microsecond=index % 997)  # unique original start
        status = _status(rng, at, now)
        event_rows.append(
            {
                "series_id": series_id,
                "original_start": at,
                "start": at,
                "end": at + timedelta(hours=2),
                "status": status,
                "attendance": rng.randint(5, 60) if status == "held" else None,
            }
        )
    for chunk in range(0, len(event_rows), 20_000):
        db.session.execute(sa.insert(Event), event_rows[chunk : chunk + 20_000])
    participation_types = {"training", "study_trip", "network_meeting"}
    held = db.session.execute(
        sa.select(Event.id)
        .join(Series)
        .where(Event.status == "held", Series.event_type.in_(participation_types))
    ).scalars()
    participations = [
        {"event_id": event_id, "organisation_id": org}
        for event_id in held
        for org in rng.sample(kov_ids, rng.randint(0, 4))
    ]
    for chunk in range(0, len(participations), 20_000):
        db.session.execute(sa.insert(EventParticipation), participations[chunk : chunk + 20_000])
    for code, table, unit, counting, target, final in INDICATORS:
        indicator = Indicator(code=code, table=table, name=code, unit=unit, rule=counting)
        indicator.targets = [
            IndicatorTarget(year=2024, kind="year", value=target),
            IndicatorTarget(year=2029, kind="final", value=final),
        ]
        db.session.add(indicator)
    db.session.commit()
    with db.engine.begin() as connection:  # planner statistics, as a live database has them
        connection.execute(sa.text("ANALYZE"))
    return len(event_rows), len(participations)


def _status(rng: random.Random, at: datetime, now: datetime) -> str:
    roll = rng.random()
    if at > now:
        return "cancelled" if roll < 0.05 else "planned"
    if roll < 0.75:
        return "held"
    if roll < 0.85:
        return "not_held"
    return "cancelled" if roll < 0.95 else "planned"


def bare_sql(year: int, now: datetime) -> int:
    """Exactly the aggregate statements the report runs, executed and fetched."""
    indicators = load_indicators()
    counts, participations = aggregate_statements(
        parse_rules(indicators).values(), year_window(year, indicators), now
    )
    return len(fetch_event_counts(counts)) + len(fetch_participations(participations))


def full_report(year: int, now: datetime) -> int:
    return len(build_report(year, now=now).as_list())


def timed(function, *args) -> float:
    db.session.expire_all()
    began = time.perf_counter()
    function(*args)
    elapsed = time.perf_counter() - began
    db.session.rollback()
    return elapsed


def main() -> None:
    args = parse_args()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": args.database, "SQLALCHEMY_ENGINE_OPTIONS": {}}
        | {k: getattr(Config, k) for k in ("TIMEZONE",)}
    )
    with app.app_context():
        began = time.perf_counter()
        fresh_schema(args.database)
        events, participations = build_data(args.events, args.seed)
        build_s = time.perf_counter() - began
        now = utcnow()
        full_report(args.year, now)  # warm caches and statement compilation
        bare_sql(args.year, now)
        report_times, sql_times = [], []
        for _ in range(args.repeat):
            sql_times.append(timed(bare_sql, args.year, now))
            report_times.append(timed(full_report, args.year, now))
        report_s, sql_s = statistics.median(report_times), statistics.median(sql_times)
        backend = db.engine.dialect.name
    print(
        f"backend={backend} events={events} participations={participations} "
        f"build_s={build_s:.1f} repeat={args.repeat} report_ms={report_s * 1000:.1f} "
        f"sql_ms={sql_s * 1000:.1f} vs_sql={report_s / sql_s:.2f}"
    )


if __name__ == "__main__":
    main()
