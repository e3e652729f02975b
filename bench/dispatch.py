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
from sqlalchemy import insert, text, update  # noqa: E402

from config import TestConfig  # noqa: E402
from scheduler import create_app  # noqa: E402
from scheduler.events.models import Event, EventStatus, Series  # noqa: E402
from scheduler.extensions import db, mail  # noqa: E402
from scheduler.organisations.models import Organisation, OrganisationKind  # noqa: E402
from scheduler.reminders.dispatch import dispatch_due  # noqa: E402
from scheduler.reminders.models import Reminder, ReminderKind, ReminderStatus  # noqa: E402

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


def timed_tick() -> tuple[float, int]:
    started = time.perf_counter()
    report = dispatch_due(NOW)
    return time.perf_counter() - started, report.sent


def claim_plan() -> str:
    query = (
        "SELECT id FROM reminder WHERE status IN ('pending', 'sending') "
        "AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT 100"
    )
    now = NOW.replace(tzinfo=None)
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.execute(text(prefix + query), {"now": now}).all()
    return " | ".join(str(r[-1]) for r in rows)


def measure(url: str, size: int, due: int, port: int, repeat: int) -> dict:
    app = make_app(url, port)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        populate(size)
        built = time.perf_counter() - started
        mail.init_app(app)
        idle = statistics.median(timed_tick()[0] for _ in range(repeat))
        ids = due_rows(due)
        busy = []
        for _ in range(repeat):
            make_due(ids)
            seconds, sent = timed_tick()
            assert sent == len(ids), f"sent {sent} of {len(ids)}"
            busy.append(seconds)
        plan = claim_plan()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    result = {
        "events": size,
        "rows": 3 * size,
        "build_s": built,
        "idle_ms": idle * 1000,
        "due": len(ids),
        "due_ms": statistics.median(busy) * 1000,
        "plan": plan,
    }
    print(
        f"events={size} outbox_rows={3 * size} idle_tick_ms={result['idle_ms']:.2f} "
        f"due={len(ids)} due_tick_ms={result['due_ms']:.1f} built_in_s={built:.1f}",
        flush=True,
    )
    print(f"  claim query plan: {plan}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--sizes", type=int, nargs=2, default=[20_000, 200_000])
    parser.add_argument("--due", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database or f"sqlite:///{folder}/bench.sqlite"
            small, large = (measure(url, n, args.due, port, args.repeat) for n in args.sizes)
    finally:
        controller.stop()
    idle_growth = large["idle_ms"] / small["idle_ms"]
    growth = large["due_ms"] / small["due_ms"]
    print(
        f"backend={url.split(':')[0]} small={small['events']} large={large['events']} "
        f"due={args.due} idle_small_ms={small['idle_ms']:.2f} idle_large_ms={large['idle_ms']:.2f} "
        f"idle_growth={idle_growth:.2f} due_small_ms={small['due_ms']:.1f} "
        f"due_large_ms={large['due_ms']:.1f} growth={growth:.2f}"
    )


if __name__ == "__main__":
    main()
