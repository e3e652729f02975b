"""Time one reminder dispatch tick against outboxes of different sizes.

    .venv/bin/python bench/dispatch.py [--database URL] [--sizes 20000 200000] [--due 500]

For each size a fresh database gets that many events and three outbox rows per event
(two reminders and a follow-up; those already due are marked sent), then one tick is
timed with nothing due and with ``--due`` rows due, sent to a real SMTP server (aiosmtpd)
on loopback. The tick's only query over the outbox is an index range scan on
(status, next_attempt_at), so its cost should not grow with the number of events: the
last line prints ``growth`` = tick time with rows due at the largest size ÷ the smallest
(target ≤ 1.5). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine, insert, text, update  # noqa: E402

from config import TestConfig  # noqa: E402
from scheduler import create_app  # noqa: E402
from scheduler.events.models import Event, EventStatus, Series  # noqa: E402
from scheduler.extensions import db, mail  # noqa: E402
from scheduler.mail.models import (  # noqa: E402
    OPEN_PREDICATE,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from scheduler.organisations.models import Organisation, OrganisationKind  # noqa: E402
from scheduler.reminders.dispatch import dispatch_due  # noqa: E402

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=730)  # events from a year before NOW to a year after
CHUNK = 10_000


class _Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_app(url: str, smtp_port: int):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_SUPPRESS_SEND=False,
        DISPATCH_BATCH_SIZE=100,
    )
    return create_app(config)


def populate(size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    org = Organisation(slug="bench", name="Bench", kind=OrganisationKind.PARTNER)
    series = Series(
        key="bench",
        organisation=org,
        title="Bench series",
        event_type="club",
        start_date=date(2024, 6, 1),
        start_time=datetime.min.time(),
        organisers=["o@x.ee"],
    )
    db.session.add_all([org, series])
    db.session.commit()
    step = SPAN / size
    first = NOW - SPAN / 2
    for offset in range(0, size, CHUNK):
        events = []
        for i in range(offset, min(offset + CHUNK, size)):
            start = first + step * i
            events.append(
                {
                    "id": i + 1,
                    "series_id": series.id,
                    "original_start": start,
                    "start": start,
                    "end": start + timedelta(minutes=90),
                    "status": EventStatus.PLANNED,
                    "is_overridden": False,
                    "in_rule": True,
                    "sequence": 0,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        db.session.execute(insert(Event), events)
        reminders = []
        for event in events:
            for kind, slot, due in (
                (ReminderKind.BEFORE, "7d", event["start"] - timedelta(days=7)),
                (ReminderKind.BEFORE, "1d", event["start"] - timedelta(days=1)),
                (ReminderKind.FOLLOWUP, "after", event["end"] + timedelta(hours=2)),
            ):
                done = due <= NOW
                reminders.append(
                    {
                        "key": f"{kind}/{event['id']}/{slot}/o@x.ee",
                        "event_id": event["id"],
                        "kind": kind,
                        "slot": slot,
                        "recipient": "o@x.ee",
                        "due": due,
                        "next_attempt_at": due,
                        "status": ReminderStatus.SENT if done else ReminderStatus.PENDING,
                        "attempts": 1 if done else 0,
                        "sent_at": due if done else None,
                        "message_id": f"<bench.{uuid.UUID(int=rng.getrandbits(128)).hex}@x>",
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
        db.session.execute(insert(Reminder), reminders)
        db.session.commit()
    db.session.execute(text("ANALYZE"))  # fresh statistics, as a live database would have
    db.session.commit()


def due_rows(count: int) -> list[int]:
    """``count`` seven-day reminders of events at least two days ahead, made due."""
    rows = db.session.scalars(
        db.select(Reminder.id)
        .join(Event, Reminder.event_id == Event.id)
        .where(Reminder.slot == "7d", Event.start > NOW + timedelta(days=2))
        .order_by(Reminder.id)
        .limit(count)
    ).all()
    return list(rows)


def make_due(ids: list[int]) -> None:
    db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids))
        .values(
            status=ReminderStatus.PENDING,
            attempts=0,
            sent_at=None,
            next_attempt_at=NOW - timedelta(minutes=1),
        )
    )
    db.session.commit()


def timed_tick(app) -> tuple[float, int]:
    with app.app_context():
        started = time.perf_counter()
        report = dispatch_due(NOW)
        return time.perf_counter() - started, report.sent


def claim_plan() -> str:
    query = (
        f"SELECT id FROM reminder WHERE {OPEN_PREDICATE} AND next_attempt_at <= :now "
        "ORDER BY next_attempt_at, id LIMIT 100"
    )
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + query), {"now": NOW.replace(tzinfo=None)}).all()
    return " | ".join(str(r[-1]) for r in rows)


def prepare(url: str, size: int, due: int, port: int):
    app = make_app(url, port)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        populate(size)
        if db.engine.dialect.name == "sqlite":  # a live database is not mid-bulk-load
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        mail.init_app(app)
        ids = due_rows(due)
        print(f"built {size} events in {time.perf_counter() - started:.1f} s", flush=True)
    return app, ids


def drop(app) -> None:
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def measure(apps: dict, repeat: int) -> dict:
    """Ticks alternate between the sizes, so load on the machine hits both alike."""
    idle = {size: [] for size in apps}
    busy = {size: [] for size in apps}
    for _ in range(repeat):
        for size, (app, ids) in apps.items():
            idle[size].append(timed_tick(app)[0])
            with app.app_context():
                make_due(ids)
            seconds, sent = timed_tick(app)
            assert sent == len(ids), f"sent {sent} of {len(ids)}"
            busy[size].append(seconds)
    results = {}
    for size, (app, ids) in apps.items():
        with app.app_context():
            plan = claim_plan()
        results[size] = {
            "idle_ms": statistics.median(idle[size]) * 1000,
            "due_ms": statistics.median(busy[size]) * 1000,
            "due": len(ids),
        }
        print(
            f"events={size} outbox_rows={3 * size} idle_tick_ms={results[size]['idle_ms']:.2f} "
            f"due={len(ids)} due_tick_ms={results[size]['due_ms']:.1f} "
            f"(medians of {repeat}; due ticks ms: "
            f"{', '.join(f'{t * 1000:.0f}' for t in busy[size])})",
            flush=True,
        )
        print(f"  claim query plan: {plan}", flush=True)
    return results


def database_urls(base: str | None, folder: str, sizes) -> dict[int, str]:
    if base is None:
        return {size: f"sqlite:///{folder}/bench-{size}.sqlite" for size in sizes}
    if not base.startswith("postgresql"):
        raise SystemExit("--database: a postgresql URL (SQLite uses temporary files)")
    engine = create_engine(base)
    with engine.begin() as conn:
        for size in sizes:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS bench_{size}"))
    engine.dispose()
    joiner = "&" if "?" in base else "?"
    return {size: f"{base}{joiner}options=-csearch_path%3Dbench_{size}" for size in sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: temporary SQLite files)")
    parser.add_argument("--sizes", type=int, nargs=2, default=[20_000, 200_000])
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            urls = database_urls(args.database, folder, args.sizes)
            apps = {size: prepare(urls[size], size, args.due, port) for size in args.sizes}
            try:
                results = measure(apps, args.repeat)
            finally:
                for app, _ids in apps.values():
                    drop(app)
    finally:
        controller.stop()
    small, large = (results[size] for size in args.sizes)
    backend = "postgresql" if args.database else "sqlite"
    print(
        f"backend={backend} small={args.sizes[0]} large={args.sizes[1]} due={args.due} "
        f"idle_small_ms={small['idle_ms']:.2f} idle_large_ms={large['idle_ms']:.2f} "
        f"idle_growth={large['idle_ms'] / small['idle_ms']:.2f} "
        f"due_small_ms={small['due_ms']:.1f} due_large_ms={large['due_ms']:.1f} "
        f"growth={large['due_ms'] / small['due_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
