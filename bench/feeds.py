"""Feed serving: this app against Radicale and against a bare view of the same bytes.

    .venv/bin/python bench/feeds.py [--seconds 3] [--clients 16] [--no-radicale]
        [--skip-20k-radicale] [--server gunicorn|waitress] [--workers N]

Builds a 2,000-event and a 20,000-event calendar in a scratch SQLite database, serves the
feeds of this app, a bare Flask view returning the very same bytes from memory, and
Radicale (holding the same calendars, uploaded by PUT) — each in its own process on
loopback with the same WSGI server: gunicorn by default (preloaded, one gthread worker of
8 threads per CPU, as in production; the app builds its feeds in the master before the
fork, as each worker would on its first request), or waitress (one process, 8 threads).
A bounded load generator (N keep-alive clients, fixed duration, on the same machine)
measures full GETs per second for each, and 304s per second for this app. Timings are
printed, never asserted; CI does not run this. Last line: ``key=value`` pairs with
``vs_radicale`` (our full GETs/s ÷ Radicale's, 2,000 events, same load) and ``vs_bare``
(ours ÷ the bare view's).
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"2k": 2000, "20k": 20000}
WINDOW = "from=2024-01-01&to=2026-01-01"
THREADS = 8
# Radicale's auth "none" takes any password; the user owns the /bench/ collections.
RADICALE_AUTH = {"Authorization": "Basic YmVuY2g6eA=="}  # bench:x


# ---------------------------------------------------------------------------------------------
# Data


def build_database(db_path: Path, out_dir: Path) -> None:
    """Organisations bench2k and bench20k with daily series; the feed bytes to out_dir."""
    from scheduler import create_app
    from scheduler.events.expansion import expand_series
    from scheduler.events.models import Series
    from scheduler.extensions import db
    from scheduler.organisations.models import Organisation, OrganisationKind

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "TESTING": True})
    with app.app_context():
        db.create_all()
        for name, count in SIZES.items():
            org = Organisation(
                slug=f"bench{name}", name=f"Bench {name}", kind=OrganisationKind.OTHER
            )
            db.session.add(org)
            per_series = 500
            for index in range(count // per_series):
                series = Series(
                    key=f"bench-{name}-{index}",
                    organisation=org,
                    title=f"Klubi {index} — eesti keel",
                    event_type="club",
                    languages=["et"],
                    organisers=["juht@example.ee"],
                    location="Tartu Linnaraamatukogu, Kompanii 3a",
                    description="Vestlusklubi uussisserändajatele. Kohtume igal päeval.",
                    start_date=date(2024, 1, 1),
                    start_time=clock(8 + index % 10, 0),
                    duration_minutes=90,
                    rule=f"FREQ=DAILY;COUNT={per_series}",
                )
                db.session.add(series)
                db.session.flush()
                expand_series(series, datetime(2026, 1, 1, tzinfo=UTC))
            db.session.commit()
        client = app.test_client()
        for name in SIZES:
            body = client.get(f"/feeds/org/bench{name}.ics?{WINDOW}").data
            (out_dir / f"bench{name}.ics").write_bytes(body)
            print(
                f"built {name}: {body.count(b'BEGIN:VEVENT')} events, {len(body) / 1e6:.1f} MB",
                flush=True,
            )


# ---------------------------------------------------------------------------------------------
# Servers (each in its own process)


def serve(kind: str, port: int, db_path: Path, data_dir: Path, server: str, workers: int) -> None:
    if kind == "app":
        from scheduler import create_app

        application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
        if server == "gunicorn":
            warm_before_fork(application)
    elif kind == "bare":
        application = bare_app(data_dir)
    else:
        application = radicale_app(data_dir / "radicale")
    if os.environ.get("BENCH_GC_FREEZE") == "1":
        import gc

        gc.collect()
        gc.freeze()  # long-lived objects out of the collector's way, as after a preload
    if server == "gunicorn":
        serve_gunicorn(application, port, workers)
    else:
        serve_waitress(application, port)


def warm_before_fork(application) -> None:
    """Build the bench feeds once in the master, so that every forked worker starts with
    them cached (as each would after its first request), then close the database
    connections, which must not be shared across the fork."""
    from scheduler.extensions import db

    client = application.test_client()
    for name in SIZES:
        client.get(f"/feeds/org/bench{name}.ics?{WINDOW}")
    with application.app_context():
        db.engine.dispose()


def serve_gunicorn(application, port: int, workers: int) -> None:
    """gunicorn, preloaded, ``workers`` processes of THREADS threads (gthread: keep-alive)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"127.0.0.1:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS,
                "keepalive": 120,
                "timeout": 600,
                "preload_app": True,
                "loglevel": "warning",
                "accesslog": None,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


def serve_waitress(application, port: int) -> None:
    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        application,
        host="127.0.0.1",
        port=port,
        threads=THREADS,
        _quiet=True,
        connection_limit=200,
        channel_timeout=120,
    )


def bare_app(data_dir: Path):
    """The limit: a Flask view returning the feed's bytes from memory, nothing else."""
    from flask import Flask, Response

    app = Flask("bare")
    bodies = {path.stem: path.read_bytes() for path in data_dir.glob("bench*.ics")}

    @app.get("/feeds/org/<slug>.ics")
    def feed(slug: str):
        return Response(
            bodies[slug],
            content_type="text/calendar; charset=utf-8",
            headers={"ETag": '"x"', "Cache-Control": "public, max-age=900"},
        )

    return app


def radicale_app(folder: Path):
    import radicale
    from radicale import config

    configuration = config.load()
    configuration.update(
        {
            "auth": {"type": "none"},
            "rights": {"type": "owner_only"},
            "storage": {"filesystem_folder": str(folder)},
            "logging": {"level": "warning"},
        },
        "bench",
    )
    return radicale.Application(configuration)


def start_server(
    kind: str, db_path: Path, data_dir: Path, server: str, workers: int
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            kind,
            "--port",
            str(port),
            "--db",
            str(db_path),
            "--data",
            str(data_dir),
            "--server",
            server,
            "--workers",
            str(workers),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        # the app's log (one line per request: its cost is measured) goes to a file
        stderr=(data_dir / f"server-{kind}.log").open("ab"),
    )
    deadline = time.monotonic() + 180  # a preloading server builds the feeds first
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    log = (data_dir / f"server-{kind}.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{kind} server did not start:\n{log}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def upload_to_radicale(port: int, data_dir: Path, names) -> None:
    for name in names:
        body = (data_dir / f"bench{name}.ics").read_bytes()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.monotonic()
        connection.request(
            "PUT",
            f"/bench/{name}/",
            body=body,
            headers={"Content-Type": "text/calendar; charset=utf-8", **RADICALE_AUTH},
        )
        response = connection.getresponse()
        response.read()
        print(
            f"radicale: PUT {name} -> {response.status} in {time.monotonic() - started:.1f} s",
            flush=True,
        )


# ---------------------------------------------------------------------------------------------
# Load


def measure(
    port: int,
    path: str,
    clients: int,
    seconds: float,
    headers: dict | None = None,
    max_requests: int | None = None,
) -> dict:
    """Requests per second of ``clients`` keep-alive clients for ``seconds`` (bounded)."""
    done: list[int] = []
    statuses: set[int] = set()
    sizes: set[int] = set()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(60, seconds * 4))
        count = 0
        while time.monotonic() < deadline and (max_requests is None or count < max_requests):
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            count += 1
            with lock:
                statuses.add(response.status)
                sizes.add(len(body))
        connection.close()
        with lock:
            done.append(count)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(done)
    return {
        "rps": total / elapsed,
        "requests": total,
        "seconds": elapsed,
        "statuses": sorted(statuses),
        "bytes": sorted(sizes),
    }


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.getheader("ETag")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--no-radicale", action="store_true", help="only this app and the bare view"
    )
    parser.add_argument(
        "--skip-20k-radicale",
        action="store_true",
        help="Radicale takes ~15 s per GET of the 20,000-event calendar",
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "waitress"],
        default="gunicorn",
        help="WSGI server for all three (gunicorn: preloaded gthread workers)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn worker processes (default: one per CPU)",
    )
    parser.add_argument("--serve", choices=["app", "bare", "radicale"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--db")
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, Path(args.db), Path(args.data), args.server, args.workers)
        return
    run(args)


def run(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    processes = []
    try:
        db_path = work / "bench.sqlite"
        build_database(db_path, work)
        servers = {}
        kinds = ("app", "bare") if args.no_radicale else ("app", "bare", "radicale")
        for kind in kinds:
            process, port = start_server(kind, db_path, work, args.server, args.workers)
            processes.append(process)
            servers[kind] = port
        if not args.no_radicale:
            names = [n for n in SIZES if not (n == "20k" and args.skip_20k_radicale)]
            upload_to_radicale(servers["radicale"], work, names)
        results = {}
        for name in SIZES:
            app_path = f"/feeds/org/bench{name}.ics?{WINDOW}"
            bare_path = f"/feeds/org/bench{name}.ics"
            radicale_path = f"/bench/{name}/"
            etag = etag_of(servers["app"], app_path)  # warms the feed cache
            etag_of(servers["bare"], bare_path)
            for clients in (1, args.clients):
                row = {
                    "app": measure(servers["app"], app_path, clients, args.seconds),
                    "bare": measure(servers["bare"], bare_path, clients, args.seconds),
                    "app_304": measure(
                        servers["app"],
                        app_path,
                        clients,
                        args.seconds,
                        headers={"If-None-Match": etag},
                    ),
                }
                if args.no_radicale or (name == "20k" and args.skip_20k_radicale):
                    row["radicale"] = None
                elif name == "20k":
                    # one GET per client at most: Radicale needs seconds for each
                    row["radicale"] = measure(
                        servers["radicale"],
                        radicale_path,
                        min(clients, 2),
                        0.1,
                        headers=RADICALE_AUTH,
                        max_requests=1,
                    )
                else:
                    row["radicale"] = measure(
                        servers["radicale"],
                        radicale_path,
                        clients,
                        max(args.seconds, 8.0),
                        headers=RADICALE_AUTH,
                    )
                results[(name, clients)] = row
                report(name, clients, row)
        headline = results[("2k", args.clients)]
        app_rps, bare_rps = headline["app"]["rps"], headline["bare"]["rps"]
        radicale_rps = headline["radicale"]["rps"] if headline["radicale"] else float("nan")
        big = results[("20k", args.clients)]
        print(
            f"server={args.server} workers={args.workers if args.server == 'gunicorn' else 1} "
            f"events=2000 clients={args.clients} app_rps={app_rps:.1f} bare_rps={bare_rps:.1f} "
            f"radicale_rps={radicale_rps:.2f} app_304_rps={headline['app_304']['rps']:.1f} "
            f"app_20k_rps={big['app']['rps']:.1f} bare_20k_rps={big['bare']['rps']:.1f} "
            f"vs_radicale={app_rps / radicale_rps:.0f} vs_bare={app_rps / bare_rps:.2f}"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def report(name: str, clients: int, row: dict) -> None:
    def line(label, result):
        if result is None:
            return f"  {label:<10} skipped"
        return (
            f"  {label:<10} {result['rps']:9.2f} req/s  ({result['requests']} in "
            f"{result['seconds']:.1f} s, status {result['statuses']}, bytes {result['bytes'][:2]})"
        )

    print(f"{name} events, {clients} client(s):")
    for label in ("app", "app_304", "bare", "radicale"):
        print(line(label, row[label]))
    full, not_modified = row["app"]["rps"], row["app_304"]["rps"]
    print(
        f"  a 304 costs {1000 / not_modified * clients:.2f} ms of a client's time, "
        f"a full GET {1000 / full * clients:.2f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
