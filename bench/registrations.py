"""Registration and the door through a real server: a confirmed registration at 50 concurrent
clients, and the check-in page with 500 registrants.

    .venv/bin/python bench/registrations.py [--clients 50] [--rounds 4] [--registrants 500]
        [--repeat 15] [--workers 4] [--database URL] [--schema NAME]

Builds the data set of ``bench/report.py`` (a few hundred events; organisations, series) in a
database of its own, adds a coordinator of ``tartu`` and opens registration on upcoming
public occurrences of tartu (each its own override: a fifth of ``--clients`` places and a
waiting list, so both the place and the waiting-list paths are taken). It serves the app with
gunicorn (``--workers`` preloaded gthread workers of four threads, as ``gunicorn -w 4`` in
production) in a process of its own, through ``bench/pages.py``.

**Register.** In each of ``--rounds`` rounds, ``--clients`` clients (threads, each with its
own connection and cookies) open the form of one occurrence, then all at once post it; then,
all at once again, each follows its personal link and confirms. A registration's time is its
POST of the form plus its POST of "Confirm my place": the two requests a registrant waits
for. The personal link is read from the database (the mail is not sent: the dispatcher does
not run), outside the timing. p50 and p95 over every client of every round.

**Check-in.** The coordinator's GET of the check-in page of an occurrence with
``--registrants`` confirmed registrants (a third present), and, as the baseline, of one with
a tenth of them: medians of ``--repeat`` GETs after two warm-up ones, taking turns.
``checkin_growth`` is the first ÷ the second.

The default database is an SQLite file in a temporary folder; the issue's number is on
PostgreSQL: ``--database postgresql+psycopg://postgres@127.0.0.1:5432/test --schema
bench`` (the schema ``bench_registrations`` is created if needed, its tables dropped and rebuilt).

Timings are printed, never asserted; CI does not run this. Last line: ``key=value`` pairs with
``register_p50_ms``, ``register_p95_ms`` (target < 200), ``checkin_p50_ms`` (target < 100)
and ``checkin_growth``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402  (the server, the clients and the sign-in of bench/pages.py)

EVENTS = 300  # the data set around the occurrences: enough for real pages, quick to build
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ---------------------------------------------------------------------------------------------
# Data


def build(database: str, args) -> dict:
    """The data set, the coordinator, and registration opened on ``args.rounds`` occurrences
    for the clients and two for the door; returns their ids."""
    import report
    import sqlalchemy as sa

    from scheduler import create_app
    from scheduler.accounts.models import User
    from scheduler.core.time import utcnow
    from scheduler.events.models import Event, EventStatus, Series
    from scheduler.extensions import db
    from scheduler.organisations.models import Organisation

    app = create_app(pages.app_config(database))
    with app.app_context():
        report.fresh_schema(database)
        report.build_data(EVENTS, args.seed)
        tartu = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "tartu"))
        email, role, _slug = pages.USERS["coordinator"]
        user = User(email=email, role=role, organisation=tartu, locale="en")
        user.set_password(pages.PASSWORD)
        db.session.add(user)
        soon = utcnow() + timedelta(days=2)
        events = db.session.scalars(
            sa.select(Event)
            .join(Series)
            .where(Series.organisation_id == tartu.id, Series.is_public, Event.start > soon)
            .order_by(Event.start)
            .limit(args.rounds + 2)
        ).all()
        if len(events) < args.rounds + 2:
            raise SystemExit(f"only {len(events)} upcoming events of tartu: fewer --rounds")
        for event in events:
            event.status = EventStatus.PLANNED
        kovs = db.session.scalars(
            sa.select(Organisation.id).where(Organisation.slug.like("kov-%"))
        ).all()
        ids = [event.id for event in events]
        _open(ids[: args.rounds], capacity=max(1, args.clients // 5))
        _open(ids[args.rounds :], capacity=None)
        _registrants(ids[-2], args.registrants, kovs)
        _registrants(ids[-1], max(1, args.registrants // 10), kovs)
        db.session.commit()
        db.engine.dispose()
    return {"rounds": ids[: args.rounds], "door": ids[-2], "door_tenth": ids[-1]}


def _open(event_ids: list[int], capacity: int | None) -> None:
    from scheduler.extensions import db
    from scheduler.registrations.models import RegistrationMode, RegistrationSettings

    for event_id in event_ids:
        db.session.add(
            RegistrationSettings(
                event_id=event_id, mode=RegistrationMode.OPEN, capacity=capacity, waitlist=True
            )
        )


def _registrants(event_id: int, count: int, kovs: list[int]) -> None:
    """``count`` confirmed registrants, a third of them present, as rows (not through the
    form: only the door is timed here)."""
    import sqlalchemy as sa

    from scheduler.core.time import utcnow
    from scheduler.extensions import db
    from scheduler.registrations.links import new_token_hash
    from scheduler.registrations.models import Registration
    from scheduler.registrations.service import email_key

    now = utcnow()
    rows = []
    for number in range(count):
        email = f"person-{event_id}-{number}@bench.example.org"
        rows.append(
            {
                "event_id": event_id,
                "state": "confirmed",
                "language": ("et", "en", "ru")[number % 3],
                "name": f"Osaleja {number:04d} Bench",
                "email": email,
                "email_key": email_key(email),
                "kov_id": kovs[number % len(kovs)],
                "checked_in": number % 3 == 0,
                "checked_in_at": now if number % 3 == 0 else None,
                "created_at": now,
                "email_confirmed_at": now,
                "confirmed_at": now,
                "token_hash": new_token_hash(),
                "updated_at": now,
            }
        )
    db.session.execute(sa.insert(Registration), rows)


def personal_paths(database: str, event_id: int, emails: list[str]) -> dict[str, str]:
    """email -> the personal link's path, as the confirmation mail would give it."""
    import sqlalchemy as sa

    from scheduler import create_app
    from scheduler.extensions import db
    from scheduler.registrations.links import personal_token
    from scheduler.registrations.models import Registration

    app = create_app(pages.app_config(database))
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.email, Registration.id, Registration.token_hash).where(
                Registration.event_id == event_id, Registration.email.in_(emails)
            )
        ).all()
        paths = {email: f"/registration/{personal_token(i, key)}" for email, i, key in rows}
        db.engine.dispose()
    return paths


# ---------------------------------------------------------------------------------------------
# Register: the clients


def _together(count: int, work) -> list:
    """``work(index)`` in ``count`` threads released at once; their results in order."""
    results: list = [None] * count
    gate = threading.Barrier(count)

    def run(index: int) -> None:
        gate.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _posted(session, url: str, form: dict, expect: int) -> float:
    started = time.perf_counter()
    answer = session.post(url, form)
    elapsed = time.perf_counter() - started
    if answer.status_code != expect:
        raise RuntimeError(f"POST {url}: {answer.status_code}, expected {expect}")
    return elapsed


def register_round(base: str, database: str, event_id: int, clients: int, tag: str) -> list:
    """Milliseconds per client: its registration plus its confirmation."""
    url = f"{base}/events/{event_id}/register?lang=en"
    sessions = [pages.Session(base) for _ in range(clients)]
    emails = [f"client-{tag}-{i}@bench.example.org" for i in range(clients)]
    tokens = []
    for session in sessions:
        form = session.get(url)
        token = _CSRF.search(form.text)
        tokens.append(token.group(1) if token else "")

    def register(i: int) -> float:
        form = {"csrf_token": tokens[i], "name": f"Client {i}", "email": emails[i]}
        return _posted(sessions[i], url, {**form, "consent": "y"}, 200)

    registered = _together(clients, register)
    paths = personal_paths(database, event_id, emails)
    if len(paths) != clients:
        raise RuntimeError(f"{len(paths)} registrations stored of {clients}")

    def confirm(i: int) -> float:  # the session's CSRF token holds for its every form
        form = {"csrf_token": tokens[i], "action": "confirm"}
        return _posted(sessions[i], base + paths[emails[i]], form, 200)

    confirmed = _together(clients, confirm)
    return [(a + b) * 1000 for a, b in zip(registered, confirmed, strict=True)]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# ---------------------------------------------------------------------------------------------


def run(args) -> str:
    database = args.database_url
    started = time.perf_counter()
    ids = build(database, args)
    print(f"built the data set in {time.perf_counter() - started:.0f} s", flush=True)
    os.environ["REGISTRATION_MAX_PER_ADDRESS"] = "1000000"  # every client is 127.0.0.1
    os.environ["REGISTRATION_MAX_PER_ACCOUNT"] = "1000000"
    process, port = pages.start_server(database, "gunicorn", args.folder, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        times: list[float] = []
        for number, event_id in enumerate(ids["rounds"]):
            round_times = register_round(base, database, event_id, args.clients, str(number))
            times += round_times
            print(
                f"  register round {number + 1}: p50 {percentile(round_times, 0.5):7.1f} ms"
                f"  p95 {percentile(round_times, 0.95):7.1f} ms",
                flush=True,
            )
        coordinator = pages.signed_in(base, "coordinator")
        urls = {
            size: f"{base}/events/{event_id}/checkin?lang=en"
            for size, event_id in (
                (args.registrants, ids["door"]),
                (max(1, args.registrants // 10), ids["door_tenth"]),
            )
        }
        door = pages.timed(dict.fromkeys(urls, coordinator), urls, args.repeat)
        for size, value in door.items():
            print(f"  check-in page, {size:>5} registrants: {value:7.1f} ms", flush=True)
    finally:
        pages.stop_server(process)
    backend = database.split(":", 1)[0].split("+", 1)[0]
    large, tenth = door[args.registrants], door[max(1, args.registrants // 10)]
    return " ".join(
        [
            f"backend={backend}",
            f"clients={args.clients}",
            f"rounds={args.rounds}",
            f"registrants={args.registrants}",
            f"register_p50_ms={statistics.median(times):.1f}",
            f"register_p95_ms={percentile(times, 0.95):.1f}",
            f"checkin_p50_ms={large:.1f}",
            f"checkin_growth={large / tenth:.2f}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--registrants", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database", help="default: an SQLite file in a temporary folder")
    parser.add_argument("--schema", help="PostgreSQL: the schema to build in (created)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-registrations-") as name:
        args.folder = Path(name)
        args.schema = args.schema or "bench"  # its tables go to bench_registrations
        args.database_url = pages.database_url(args, "registrations")
        print(run(args))


if __name__ == "__main__":
    main()
