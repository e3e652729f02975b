"""Lighthouse on the public pages: accessibility, best practices and SEO, mobile settings.

    make lighthouse                               # home, a city page, an event page
    make lighthouse LIGHTHOUSE_ARGS="--paths / {event} --minimum 90"

Starts the app itself, as ``make run`` does (migrations, ``flask plan demo``) but in a
temporary instance folder on a free loopback port, then runs npm ``lighthouse`` (installed
in tools/lighthouse/ by ``make lighthouse``, never by ``make test-setup``) with Debian's
Chromium, headless, on each page. Prints one line of scores per page and exits non-zero when
a score is below the minimum (95) or a page cannot be audited. ``{event}`` in a path stands
for the first upcoming public event's page (from ``/api/events``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
FLASK = ROOT / ".venv" / "bin" / "flask"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = ("accessibility", "best-practices", "seo")
DEFAULT_PATHS = ("/", "/city/tartu", "{event}")
MINIMUM = 95


def scores(report: dict) -> dict[str, int]:
    """A Lighthouse JSON report's category scores, 0-100 (None: not scored)."""
    found = {}
    for name in CATEGORIES:
        score = report["categories"].get(name, {}).get("score")
        found[name] = None if score is None else round(score * 100)
    return found


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost a category points: ``id (title)``."""
    refs = report["categories"].get(category, {}).get("auditRefs", [])
    lost = []
    for ref in refs:
        audit = report["audits"].get(ref["id"], {})
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            lost.append(f"{ref['id']} ({audit.get('title', '')})")
    return lost


def below(found: dict[str, int | None], minimum: int) -> list[str]:
    return [name for name, score in found.items() if score is None or score < minimum]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str, **kwargs):
    return subprocess.run([str(FLASK), "--app", "wsgi", *args], cwd=ROOT, env=env, **kwargs)


def start_server(instance: Path, port: int) -> tuple[subprocess.Popen, str]:
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SCHEDULER_INSTANCE": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'scheduler.sqlite'}",
        "BASE_URL": base,
        "SCHEDULER_EMBEDDED": "0",
        "MAIL_CAPTURE_DIR": str(instance / "mail"),
    }
    for step in (("db", "upgrade"), ("plan", "demo")):
        done = flask(env, *step, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(step)} failed:\n{done.stdout}{done.stderr}")
    log = open(instance / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(FLASK), "--app", "wsgi", "run", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {instance / 'server.log'}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return server, base
        except urllib.error.HTTPError:
            return server, base  # it answers (503 only says the clock is not running)
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def first_event_path(base: str) -> str:
    with urllib.request.urlopen(f"{base}/api/events?limit=1", timeout=10) as response:
        items = json.load(response)["items"]
    if not items:
        raise SystemExit("no upcoming public event to audit (is the demo data loaded?)")
    return items[0]["url"].removeprefix(base)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def audit(url: str, out: Path) -> dict | None:
    """Lighthouse's JSON report of one page; None if it could not run (its output says why)."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    ran = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--form-factor=mobile",  # Lighthouse's mobile preset: phone screen and throttling
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={out}",
        ],
        env=env,
    )
    if ran.returncode != 0 or not out.exists():
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", nargs="+", default=list(DEFAULT_PATHS))
    parser.add_argument("--minimum", type=int, default=MINIMUM)
    parser.add_argument("--keep", help="write each JSON report into this folder")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make lighthouse` (npm ci there)")
    failed = False
    with tempfile.TemporaryDirectory(prefix="elvl-lighthouse-") as temp:
        instance = Path(temp)
        server, base = start_server(instance, free_port())
        try:
            paths = [
                path.replace("{event}", first_event_path(base)) if "{event}" in path else path
                for path in args.paths
            ]
            for path in paths:
                url = base + path
                status = status_of(url)
                if status != 200:
                    print(f"{path:32} not audited: answered {status}")
                    failed = True
                    continue
                name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
                folder = Path(args.keep or temp)
                folder.mkdir(parents=True, exist_ok=True)
                report = audit(url, folder / f"lighthouse-{name}.json")
                if report is None:
                    print(f"{path:32} not audited: lighthouse failed")
                    failed = True
                    continue
                found = scores(report)
                low = below(found, args.minimum)
                line = "  ".join(f"{key} {value}" for key, value in found.items())
                print(f"{path:32} {line}{'  BELOW ' + str(args.minimum) if low else ''}")
                for category in low:
                    for lost in failing_audits(report, category):
                        print(f"{'':34}{category}: {lost}")
                failed = failed or bool(low)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
