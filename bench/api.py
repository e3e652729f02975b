"""The open events API at 20,000 and 200,000 events: a full page, a 304, a word search.

    .venv/bin/python bench/api.py [--repeat 30] [--sizes 20000,200000]

Builds each size in a scratch SQLite database (daily series over the two years around
today, 500 occurrences each, one series in ten internal, so that ten times the events means
ten times as many in every window) and times, in process through the Flask test client,
``GET /api/events`` with the default window and page (full answer), the same with
``If-None-Match`` (a 304), a word search and a page of 200. "cold" runs forget what the
process remembers about events before each request (as a commit does: the feeds'
fingerprints and the API's fast path), so a cold 304 is the view's own; a warm 304 is
answered by the fast path before Flask. ``api_304_ratio`` times both answers of the same
address through the whole WSGI stack (request log and security headers included) without
the test client: the median warm conditional 304 over the median full 200. Timings are
printed, never asserted; CI does not run this. Last line: ``key=value`` pairs:
``ratio_304`` (304 ÷ full, smallest size), ``growth`` (largest ÷ smallest full answer),
warm and cold, and ``api_304_ratio`` (goal: under 0.05), smallest and largest size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_SERIES = 500


def build(db_path: Path, size: int):
    """``size`` events: daily series of 500 occurrences, one in ten internal, their rows
    written in bulk (expanding 200,000 occurrences one by one takes minutes)."""
    from sqlalchemy import insert

    from scheduler import create_app
    from scheduler.core.time import zone
    from scheduler.events.models import Event, Series
    from scheduler.extensions import db
    from scheduler.organisations.models import Organisation, OrganisationKind

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "TESTING": True})
    tallinn = zone("Europe/Tallinn")
    today = datetime.now(tallinn).date()
    now = datetime.now(UTC)
    with app.app_context():
        db.create_all()
        orgs = [
            Organisation(slug=f"org{i}", name=f"Org {i}", kind=OrganisationKind.PARTNER)
            for i in range(6)
        ]
        db.session.add_all(orgs)
        rows = []
        for index in range(size // PER_SERIES):
            # the series' starts spread over the two years around today
            first = today - timedelta(days=365) + timedelta(days=index % 230)
            at = clock(8 + index % 10, 0)
            series = Series(
                key=f"bench-{index}",
                organisation=orgs[index % len(orgs)],
                title=f"Klubi {index} — eesti keel",
                title_en=f"Club {index}",
                event_type="club",
                languages=[("et", "en", "ru")[index % 3]],
                organisers=["juht@example.ee"],
                location="Tartu Linnaraamatukogu, Kompanii 3a",
                description="Vestlusklubi uussisserändajatele.",
                is_public=index % 10 != 0,
                start_date=first,
                start_time=at,
                duration_minutes=90,
                rule=f"FREQ=DAILY;COUNT={PER_SERIES}",
            )
            db.session.add(series)
            db.session.flush()
            for day in range(PER_SERIES):
                start = datetime.combine(first + timedelta(days=day), at, tzinfo=tallinn)
                rows.append(
                    {
                        "series_id": series.id,
                        "original_start": start,
                        "start": start,
                        "end": start + timedelta(minutes=90),
                        "status": "planned",
                        "is_overridden": False,
                        "in_rule": True,
                        "sequence": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        db.session.commit()
        db.session.execute(insert(Event), rows)
        db.session.commit()
    return app


def timed(run, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def forget_all(app) -> None:
    """What a commit touching events or series does to this process's caches."""
    for forget in app.extensions["feeds.forget_on_commit"]:
        forget()


def wsgi_timed(app, environ: dict, status: str, repeat: int) -> float:
    """Median milliseconds of one WSGI call (body read), the environ built once."""

    def run():
        seen = []
        body = app.wsgi_app(dict(environ), lambda s, h, e=None: seen.append(s))
        for _chunk in body:
            pass
        getattr(body, "close", lambda: None)()
        assert seen[0].startswith(status), seen

    return timed(run, repeat)


def wsgi_ratio(app, etag: str, repeat: int) -> dict[str, float]:
    from werkzeug.test import EnvironBuilder

    full = EnvironBuilder(path="/api/events").get_environ()
    conditional = EnvironBuilder(path="/api/events", headers={"If-None-Match": etag})
    wsgi_timed(app, conditional.get_environ(), "304", 3)  # remembered by now
    return {
        "wsgi_full": wsgi_timed(app, full, "200", repeat),
        "wsgi_304": wsgi_timed(app, conditional.get_environ(), "304", repeat),
    }


def measure(app, repeat: int) -> dict[str, float]:
    client = app.test_client()
    first = client.get("/api/events")
    assert first.status_code == 200, first.data
    etag = first.headers["ETag"]

    def full(cold: bool, **params):
        def run():
            if cold:
                forget_all(app)
            response = client.get("/api/events", query_string=params)
            assert response.status_code == 200

        return run

    def not_modified(cold: bool):
        def run():
            if cold:
                forget_all(app)
            response = client.get("/api/events", headers={"If-None-Match": etag})
            assert response.status_code == 304

        return run

    with app.app_context():
        return {
            "full_cold": timed(full(True), repeat),
            "full_warm": timed(full(False), repeat),
            "304_cold": timed(not_modified(True), repeat),
            "304_warm": timed(not_modified(False), repeat),
            "q_cold": timed(full(True, q="klubi 7"), repeat),
            "page_200_cold": timed(full(True, limit=200), repeat),
            **wsgi_ratio(app, etag, repeat),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sizes", default="20000,200000")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            app = build(Path(folder) / f"api-{size}.sqlite", size)
            print(f"built {size} events in {time.perf_counter() - started:.0f} s", flush=True)
            results[size] = measure(app, args.repeat)
            line = "  ".join(f"{k}={v:.2f}ms" for k, v in results[size].items())
            print(f"{size:>7}: {line}", flush=True)
    sizes = sorted(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    print(
        f"ratio_304={small['304_warm'] / small['full_warm']:.3f} "
        f"ratio_304_large={large['304_warm'] / large['full_warm']:.3f} "
        f"growth={large['full_warm'] / small['full_warm']:.2f} "
        f"ratio_304_cold={small['304_cold'] / small['full_cold']:.3f} "
        f"ratio_304_cold_large={large['304_cold'] / large['full_cold']:.3f} "
        f"growth_cold={large['full_cold'] / small['full_cold']:.2f} "
        f"api_304_ratio={small['wsgi_304'] / small['wsgi_full']:.4f} "
        f"api_304_ratio_large={large['wsgi_304'] / large['wsgi_full']:.4f}"
    )


if __name__ == "__main__":
    main()
