"""Importing an external .ics: how long writing N new events takes, on SQLite and PostgreSQL.

    .venv/bin/python bench/imports.py [--sizes 500,5000] [--database postgresql+psycopg://...]
        [--no-postgresql]

Builds a calendar of N single (non-recurring) upstream events in the coming months, then,
for each backend, imports it as a new calendar the way the page does
(``import_new_calendar`` with the uploaded bytes) and imports the very same bytes again
(nothing changes: every row is matched by UID and RECURRENCE-ID). SQLite is a scratch file;
PostgreSQL gets a scratch schema on 127.0.0.1:5432 (database ``test``, as tests/conftest.py
makes one), dropped afterwards.

Baseline, in the same run on the same bytes: ``parse_calendar`` alone (reading the file and
expanding it, which every import pays before writing anything). ``vs_parse`` is the import
time ÷ the parse time: what writing costs on top of reading. ``growth`` is (ms per event at
the largest N) ÷ (ms per event at the smallest N): about 1 when the write path is set-based,
well above 1 when something grows with the calendar. Timings are printed, never asserted.
Last line: ``key=value`` pairs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def ics_of(count: int, now: datetime) -> bytes:
    """``count`` single events, three a day from tomorrow, each with its own UID."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ELVL//import bench//EN",
        "X-WR-TIMEZONE:Europe/Tallinn",
    ]
    first = (now + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    for number in range(count):
        start = first + timedelta(days=number // 3, hours=3 * (number % 3))
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{number}@partner.ee",
            "DTSTAMP:20240101T000000Z",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(minutes=90):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Keelekohvik {number}",
            "LOCATION:Pärnu Keskraamatukogu",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def make_app(url: str):
    from config import TestConfig
    from scheduler import create_app

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=url,
        CALENDARS_MAX_OCCURRENCES=1_000_000,
        CALENDARS_MAX_BYTES=100 * 1024 * 1024,
        CALENDARS_IMPORT_DEADLINE_SECONDS=600.0,
        HORIZON_MONTHS=24 * 12,
    )
    app = create_app(config)
    app.logger.setLevel(logging.WARNING)  # one INFO line per import otherwise
    return app


def measure(url: str, sizes: list[int], now: datetime, files: dict[int, bytes]) -> dict:
    from scheduler.calendars.importer import import_new_calendar, import_window, refresh_calendar
    from scheduler.calendars.parse import parse_calendar
    from scheduler.events.expansion import rule_limits
    from scheduler.extensions import db
    from scheduler.organisations.models import Organisation, OrganisationKind

    app = make_app(url)
    results = {}
    with app.app_context():
        db.create_all()
        for size in sizes:
            org = Organisation(
                slug=f"bench{size}", name=f"Bench {size}", kind=OrganisationKind.OTHER
            )
            db.session.add(org)
            db.session.commit()
            data = files[size]
            began = time.perf_counter()
            limits = rule_limits(max_per_save=app.config["CALENDARS_MAX_OCCURRENCES"])
            parse_calendar(data, import_window(), app.config["TIMEZONE"], limits=limits)
            parsed = time.perf_counter() - began

            began = time.perf_counter()
            calendar, report = import_new_calendar(
                f"upload:bench-{size}.ics", org.id, "club", data=data
            )
            imported = time.perf_counter() - began
            assert report.created == size, report.summary()

            began = time.perf_counter()
            again = refresh_calendar(calendar, data=data)
            reimported = time.perf_counter() - began
            assert again.changes == 0, again.summary()
            results[size] = {"import": imported, "reimport": reimported, "parse": parsed}
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return results


def postgres_schema(base: str) -> tuple[str, callable]:
    schema = f"bench_imports_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{base}?options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--database", default=POSTGRES_URL, help="PostgreSQL server URL")
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    now = datetime.now(UTC)
    files = {size: ics_of(size, now) for size in sizes}

    backends: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        backends["sqlite"] = measure(f"sqlite:///{folder}/bench.sqlite", sizes, now, files)
    if not args.no_postgresql:
        url, drop = postgres_schema(args.database)
        try:
            backends["postgresql"] = measure(url, sizes, now, files)
        finally:
            drop()

    print(
        f"{'backend':<12}{'events':>8}{'import s':>10}{'ms/event':>10}{'re-import ms':>14}"
        f"{'parse s':>9}{'vs_parse':>10}"
    )
    pairs = []
    for backend, results in backends.items():
        for size in sizes:
            row = results[size]
            print(
                f"{backend:<12}{size:>8}{row['import']:>10.3f}{row['import'] / size * 1e3:>10.3f}"
                f"{row['reimport'] * 1e3:>14.1f}{row['parse']:>9.3f}"
                f"{row['import'] / row['parse']:>10.2f}"
            )
            pairs += [
                f"{backend}_{size}_ms_per_event={row['import'] / size * 1e3:.3f}",
                f"{backend}_{size}_reimport_ms={row['reimport'] * 1e3:.1f}",
                f"{backend}_{size}_vs_parse={row['import'] / row['parse']:.2f}",
            ]
        small, large = results[sizes[0]], results[sizes[-1]]
        growth = (large["import"] / sizes[-1]) / (small["import"] / sizes[0])
        pairs.append(f"{backend}_growth={growth:.2f}")
    print(" ".join(pairs))


if __name__ == "__main__":
    main()
