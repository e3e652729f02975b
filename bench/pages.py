"""The workspace and public pages through a real server at a tenth of national scale and at it.

    .venv/bin/python bench/pages.py [--events 200000] [--repeat 15] [--server gunicorn|waitress]
        [--database URL] [--schema NAME]

For each size — ``--events`` (national scale, default 200,000) and a tenth of it — builds
the data set of ``bench/report.py`` (events over 2023–2029 with outcomes, 120 series of the
implementer and five partners) in a database of its own, adds an admin and a coordinator of
``tartu``, and serves it in a process of its own with gunicorn (one preloaded gthread
worker, as in production) or waitress. Then it signs both people in on both servers and
times sequential GETs of every page in ``PAGES``: per page the median of ``--repeat`` GETs
after two warm-up ones, the two sizes taking turns so that a change in the machine's load
falls on both alike. A page that answers 404 is printed as "skipped (not on this branch)".
``/api/events`` is also timed with ``If-None-Match`` (a 304) against its full answer.

The default databases are SQLite files in a temporary folder. For PostgreSQL give
``--database postgresql+psycopg://postgres@127.0.0.1:5432/test --schema bench_pages``: the
schemas ``bench_pages_tenth`` and ``bench_pages_full`` are created if needed and their
tables dropped and rebuilt.

Timings are printed, never asserted; CI does not run this. Last line: ``key=value`` pairs
with ``growth`` (the worst national ÷ tenth median over the pages; target ≤ 1.3),
``month_p50_ms`` (the admin's month view at national scale) and ``api_304_ratio`` (304 ÷
full ``/api/events`` at national scale; target < 0.05).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SECRET_KEY = "bench-pages-not-a-secret"
PASSWORD = "bench-pages-password"
USERS = {  # who: (email, role, organisation slug)
    "admin": ("admin@bench.example.org", "admin", "elvl"),
    "coordinator": ("coordinator@bench.example.org", "coordinator", "tartu"),
}


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # placeholders: see ``build`` ({event}, {org}, {place}, {start})
    who: str  # "admin", "coordinator" or "anonymous"


# One line adds a page.
PAGES = (
    Page("agenda", "/", "admin"),
    Page("week", "/?view=week", "admin"),
    Page("month", "/?view=month", "admin"),
    Page("awaiting", "/events/awaiting", "admin"),
    Page("agenda_coordinator", "/", "coordinator"),
    Page("week_coordinator", "/?view=week", "coordinator"),
    Page("month_coordinator", "/?view=month", "coordinator"),
    Page("awaiting_coordinator", "/events/awaiting", "coordinator"),
    Page("public_home", "/", "anonymous"),
    Page("city", "/city/tartu", "anonymous"),
    Page("public_event", "/events/{event}", "anonymous"),
    Page("api_events", "/api/events", "anonymous"),
    # The series editor's live preview of a weekly club at a busy place of tartu: the next
    # events, counts per plan year, descriptions and the clash query over the window.
    Page(
        "series_preview",
        "/series/preview?organisation={org}&event_type=club&title=Klubi&location={place}"
        "&organisers=leader%40bench.example.org&start_date={start}&start_time=18:00"
        "&duration=90&rule_kind=weekly&interval=1&weekdays=1&ordinal=1&ordinal_weekday=1"
        "&pauses=2027-07-01/2027-08-31&holiday_policy=skip&end_kind=never",
        "coordinator",
    ),
)
MONTH = "month"
API = "api_events"


# ---------------------------------------------------------------------------------------------
# Data


def app_config(database: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SECRET_KEY": SECRET_KEY,
        "SCHEDULER_EMBEDDED": False,
    }


def database_url(args, suffix: str) -> str:
    """The database of one size: a file (SQLite) or a schema (PostgreSQL) of its own."""
    if args.database is None:
        return f"sqlite:///{args.folder / f'bench-{suffix}.sqlite'}"
    if not args.database.startswith("postgresql"):
        return args.database.replace(".sqlite", f"-{suffix}.sqlite")
    import sqlalchemy as sa

    schema = f"{args.schema or 'bench_pages'}_{suffix}"
    engine = sa.create_engine(args.database)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in args.database else "?"
    return f"{args.database}{separator}options=-csearch_path%3D{schema}"


def build(database: str, size: int, seed: int) -> dict[str, str]:
    """The data set of bench/report.py with ``size`` events and two people; the values of the
    pages' placeholders: ``event`` a public upcoming event of tartu, ``org`` tartu's id,
    ``place`` that event's place (URL-quoted), ``start`` today."""
    import report
    import sqlalchemy as sa

    from scheduler import create_app
    from scheduler.accounts.models import User
    from scheduler.core.time import utcnow
    from scheduler.events.models import Event, Series
    from scheduler.extensions import db
    from scheduler.organisations.models import Organisation

    app = create_app(app_config(database))
    with app.app_context():
        report.fresh_schema(database)
        report.build_data(size, seed)
        for email, role, slug in USERS.values():
            org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
            user = User(email=email, role=role, organisation=org, locale="en")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        event_id = db.session.scalar(
            sa.select(Event.id)
            .join(Series)
            .join(Organisation)
            .where(Organisation.slug == "tartu", Event.start > utcnow(), Series.is_public)
            .order_by(Event.start)
            .limit(1)
        )
        event = db.session.get(Event, event_id)
        values = {
            "event": str(event_id),
            "org": str(event.series.organisation_id),
            "place": quote(event.series.location or "Tartu"),
            "start": utcnow().date().isoformat(),
        }
        db.engine.dispose()
    return values


# ---------------------------------------------------------------------------------------------
# The server (a process of its own: this script with --serve)


def serve(database: str, port: int, server: str, workers: int = 1) -> None:
    from scheduler import create_app

    application = create_app(app_config(database))
    if server == "waitress":
        import waitress

        waitress.serve(application, host="127.0.0.1", port=port, threads=4, _quiet=True)
        return
    from gunicorn.app.base import BaseApplication

    from scheduler.extensions import db

    with application.app_context():
        db.engine.dispose()  # no connection crosses the fork

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"127.0.0.1:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": 4,
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


def start_server(
    database: str, server: str, folder: Path, workers: int = 1
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    log = folder / "server.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCHEDULER_INSTANCE": str(folder),
        "MAIL_CAPTURE_DIR": str(folder / "mail"),
    }
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--database", database]
        + ["--port", str(port), "--server", server, "--workers", str(workers)],
        env=env,
        stderr=log.open("ab"),  # one log line per request: its cost is part of the page
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')[-2000:]}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Clients and timing


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]
    text: str


class Session:
    """One visitor: a keep-alive connection to one server and its cookies (the standard
    library only, so that the bench needs no tools beyond the runtime's gunicorn)."""

    def __init__(self, base: str):
        self.address = urlsplit(base)
        self.connection = http.client.HTTPConnection(self.address.hostname, self.address.port)
        self.cookies = SimpleCookie()

    def request(self, method: str, url: str, headers=None, body=None) -> Answer:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        target = urlsplit(url)
        path = target.path + (f"?{target.query}" if target.query else "")
        try:
            self.connection.request(method, path or "/", body=body, headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.connection.close()  # the server closed an idle keep-alive connection
            self.connection.request(method, path or "/", body=body, headers=sent)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)

    def get(self, url: str, headers=None) -> Answer:
        return self.request("GET", url, headers)

    def post(self, url: str, data: dict) -> Answer:
        body = urlencode(data)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", url, headers, body)


def signed_in(base: str, who: str) -> Session:
    session = Session(base)
    if who == "anonymous":
        return session
    email = USERS[who][0]
    form = session.get(f"{base}/account/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    answer = session.post(
        f"{base}/account/login",
        data={"csrf_token": token.group(1) if token else "", "email": email, "password": PASSWORD},
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"{who} could not sign in: {answer.status_code}")
    return session


def timed(sessions: dict, urls: dict, repeat: int, headers=None, expect: int = 200) -> dict:
    """Median milliseconds per size of ``repeat`` GETs of its url (with its ``headers``), the
    sizes taking turns (so that a change in the machine's load falls on both alike), after
    two warm-up GETs each; None for a 404."""
    headers = headers or dict.fromkeys(urls)
    for size, url in urls.items():
        for _ in range(2):
            response = sessions[size].get(url, headers=headers[size])
            if response.status_code == 404:
                return dict.fromkeys(urls)
            if response.status_code != expect:
                raise RuntimeError(f"GET {url}: {response.status_code}, expected {expect}")
    samples: dict = {size: [] for size in urls}
    for _ in range(repeat):
        for size, url in urls.items():
            started = time.perf_counter()
            response = sessions[size].get(url, headers=headers[size])
            samples[size].append(time.perf_counter() - started)
            if response.status_code != expect:
                raise RuntimeError(f"GET {url}: {response.status_code}, expected {expect}")
    return {size: statistics.median(values) * 1000 for size, values in samples.items()}


def measure(servers: dict, repeat: int) -> dict[int, dict[str, float | None]]:
    """``servers``: size -> (base URL, the pages' placeholders). Results per size and page."""
    sessions = {
        who: {size: signed_in(base, who) for size, (base, _event) in servers.items()}
        for who in {page.who for page in PAGES}
    }
    results: dict[int, dict[str, float | None]] = {size: {} for size in servers}
    for page in PAGES:
        urls = {size: base + page.path.format(**values) for size, (base, values) in servers.items()}
        for size, value in timed(sessions[page.who], urls, repeat).items():
            results[size][page.name] = value
        print(f"  {page.name:<22} " + "  ".join(_shown(results[s][page.name]) for s in servers))
    api = next(page for page in PAGES if page.name == API)
    urls = {size: base + api.path for size, (base, _event) in servers.items()}
    etags = {
        size: sessions[api.who][size].get(url).headers.get("etag") for size, url in urls.items()
    }
    if all(etags.values()):
        conditional = {size: {"If-None-Match": etag} for size, etag in etags.items()}
        timings = timed(sessions[api.who], urls, repeat, headers=conditional, expect=304)
        for size, value in timings.items():
            results[size]["api_events_304"] = value
        print(f"  {'api_events_304':<22} " + "  ".join(_shown(timings[s]) for s in servers))
    return results


def _shown(value: float | None) -> str:
    return "skipped (not on this branch)" if value is None else f"{value:9.1f} ms"


def summary(small: dict, large: dict, backend: str, sizes: tuple[int, int]) -> str:
    ratios = {
        name: large[name] / small[name]
        for name in small
        if small[name] and large.get(name) and name != "api_events_304"
    }
    worst = max(ratios, key=ratios.get)
    line = [f"backend={backend}", f"events={sizes[1]}", f"tenth={sizes[0]}", f"worst={worst}"]
    if large.get("api_events_304") and large.get(API):
        line.append(f"api_304_ratio={large['api_events_304'] / large[API]:.3f}")
    line.append(f"month_p50_ms={large[MONTH]:.1f}")
    line.append(f"growth={ratios[worst]:.2f}")
    return " ".join(line)


def run(args) -> None:
    sizes = (max(1, args.events // 10), args.events)
    databases = {sizes[0]: database_url(args, "tenth"), sizes[1]: database_url(args, "full")}
    servers, processes = {}, []
    try:
        for size, database in databases.items():
            started = time.perf_counter()
            placeholders = build(database, size, args.seed)
            print(f"built {size} events in {time.perf_counter() - started:.0f} s", flush=True)
            folder = args.folder / str(size)
            folder.mkdir()
            process, port = start_server(database, args.server, folder)
            processes.append(process)
            servers[size] = (f"http://127.0.0.1:{port}", placeholders)
        print(f"  {'page':<22} " + "  ".join(f"{size:>9} ev" for size in sizes), flush=True)
        results = measure(servers, args.repeat)
    finally:
        for process in processes:
            stop_server(process)
    backend = databases[sizes[1]].split(":", 1)[0].split("+", 1)[0]
    print(summary(results[sizes[0]], results[sizes[1]], backend, sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="national scale")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn")
    parser.add_argument("--database", help="default: an SQLite file in a temporary folder")
    parser.add_argument("--schema", help="PostgreSQL: the schema to build in (created)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database, args.port, args.server, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as name:
        args.folder = Path(name)
        run(args)


if __name__ == "__main__":
    main()
