"""The embedded clock starts once: not in the reloader's watcher, not in every web worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
import uuid

import pytest
from jobs_support import FLASK, ROOT, child_env
from polling import server_answers, wait_until
from smtp_sink import free_port

from scheduler.jobs.embedded import running_scheduler, start_embedded, stop_embedded

WEB_WORKER = """
import sys
from scheduler import create_app
from scheduler.jobs.embedded import running_scheduler
app = create_app({"SCHEDULER_EMBEDDED": True, "SCHEDULER_LOCK_FILE": sys.argv[1],
                  "SCHEDULER_LOCK_KEY": int(sys.argv[2])})
app.test_client().get("/no-such-page")
print("started" if running_scheduler(app) else "not started", flush=True)
sys.stdin.readline()
"""


def web_worker(app, lock_file: str, lock_key: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WEB_WORKER, lock_file, str(lock_key)],
        cwd=ROOT,
        env=child_env(app),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_of_several_web_workers_only_one_runs_the_clock(app, tmp_path):
    lock_file, lock_key = str(tmp_path / "clock.lock"), uuid.uuid4().int % 2**31
    first = web_worker(app, lock_file, lock_key)
    try:
        assert first.stdout.readline().strip() == "started"
        others = [web_worker(app, lock_file, lock_key) for _ in range(2)]
        answers = [p.stdout.readline().strip() for p in others]
        assert answers == ["not started", "not started"]
        for process in others:
            process.communicate("\n", timeout=30)
    finally:
        first.communicate("\n", timeout=30)
    # the holder is gone: the next process takes over
    again = web_worker(app, lock_file, lock_key)
    assert again.stdout.readline().strip() == "started"
    again.communicate("\n", timeout=30)


def test_the_clock_does_not_start_in_the_reloader_watcher(app, tmp_path, monkeypatch):
    app.config.update(SCHEDULER_EMBEDDED=True, SCHEDULER_LOCK_FILE=str(tmp_path / "l"))
    app.config["SCHEDULER_LOCK_KEY"] = uuid.uuid4().int % 2**31
    app.debug = True
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert start_embedded(app) is False
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the reloader's serving child
    try:
        assert start_embedded(app) is True
        assert running_scheduler(app).get_job("dispatch") is not None
    finally:
        # a job the clock started must not write into the next test's database
        stop_embedded(app, wait=True)


def test_the_clock_is_off_unless_embedded_is_configured(app):
    app.config["SCHEDULER_EMBEDDED"] = False
    assert start_embedded(app) is False


def test_flask_run_with_the_reloader_starts_the_clock_exactly_once(app, tmp_path):
    port = free_port()
    env = child_env(
        app,
        SCHEDULER_EMBEDDED="1",
        SCHEDULER_LOCK_FILE=str(tmp_path / "clock.lock"),
        SCHEDULER_LOCK_KEY=str(uuid.uuid4().int % 2**31),
    )
    server = subprocess.Popen(
        [FLASK, "--app", "wsgi", "run", "--debug", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: server_answers(f"http://127.0.0.1:{port}/no-such-page"),
            timeout=20,
            what="flask run never answered",
        )
        for _ in range(3):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page", timeout=5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    assert "Restarting with" in err or "reloader" in err.lower()
    assert err.count("job clock started") == 1, err
