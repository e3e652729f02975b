"""One log line per request and per job run, JSON on request; tokens in URL paths never
reach a log record (request lines, the development server's access log, the error log)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import urllib.request

import pytest
from flask import g
from polling import wait_until

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.operations.logs import JsonFormatter
from tests.jobs.jobs_support import FLASK, ROOT, child_env

TOKEN_IN_OUTPUT = re.compile(r"/feeds/([A-Za-z0-9_-]{40,})/mine\.ics")


@pytest.fixture
def secret(runner) -> str:
    """A real private feed token, as `flask feeds token create` hands it out."""
    result = runner.invoke(args=["feeds", "token", "create", "organiser@example.ee"])
    assert result.exit_code == 0, result.output
    return TOKEN_IN_OUTPUT.search(result.output).group(1)


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def everything_logged(caplog) -> str:
    return "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {getattr(r, 'fields', '')}" for r in caplog.records
    )


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "scheduler.requests"]


def test_a_request_leaves_one_line_with_method_masked_path_status_and_duration(
    client, secret, logs
):
    assert client.get(f"/feeds/{secret}/all.ics").status_code == 200
    (line,) = request_lines(logs)
    fields = line.fields
    assert (fields["method"], fields["path"]) == ("GET", "/feeds/***/all.ics")
    assert fields["status"] == 200
    assert fields["duration_ms"] >= 0 and fields["user_id"] is None
    assert line.getMessage() == f"GET /feeds/***/all.ics 200 {fields['duration_ms']}ms"
    assert secret not in everything_logged(logs)


def test_with_log_format_json_a_request_line_is_one_json_object(client, secret, logs):
    client.get(f"/feeds/{secret}/mine.ics")
    (line,) = request_lines(logs)
    entry = json.loads(JsonFormatter().format(line))
    assert entry["event"] == "request" and entry["path"] == "/feeds/***/mine.ics"
    assert {"time", "level", "logger", "message", "status", "duration_ms", "user_id"} <= set(entry)
    assert secret not in json.dumps(entry)


def test_a_signed_in_users_id_is_in_the_request_line(client, logs):
    user = User(email="coordinator@example.ee", role=Role.COORDINATOR)
    user.set_password("secret-pass")
    db.session.add(user)
    db.session.commit()
    login = client.post(
        "/account/login", data={"email": "coordinator@example.ee", "password": "secret-pass"}
    )
    assert login.status_code == 302
    g.pop("_login_user", None)  # the test's app context outlives the request
    logs.clear()
    client.get("/reminders/")
    (line,) = request_lines(logs)
    assert line.fields["user_id"] == str(user.id)
    assert line.getMessage().endswith(f"user={user.id}")


def test_feeds_answered_from_memory_before_flask_are_logged_too(client, logs):
    for _ in range(2):
        assert client.get("/feeds/all.ics").status_code == 200
    assert [r.fields["status"] for r in request_lines(logs)] == [200, 200]


def test_the_development_servers_access_log_masks_feed_tokens(live_server, secret, logs):
    with urllib.request.urlopen(f"{live_server}/feeds/{secret}/lang/et.ics?lang=en") as answer:
        assert answer.status == 200
        answer.read()
    wait_until(lambda: request_lines(logs), timeout=30, what="no request line")
    access = [r.getMessage() for r in logs.records if r.name == "werkzeug"]
    assert any('"GET /feeds/***/lang/et.ics?lang=en HTTP/1.1" 200' in m for m in access)
    assert secret not in everything_logged(logs)


def test_follow_up_and_opt_out_links_are_masked_in_request_lines(client, logs):
    link_token = "eyJldmVudCI6MX0.ZyXw9Q.signature-part-here"
    client.get(f"/reminders/followup/{link_token}")
    client.get(f"/reminders/opt-out/{link_token}")
    paths = [r.fields["path"] for r in request_lines(logs)]
    assert paths == ["/reminders/followup/***", "/reminders/opt-out/***"]
    assert link_token not in everything_logged(logs)


def test_the_error_log_of_a_failing_token_route_masks_the_token(app, client, logs):
    def boom(token):
        raise RuntimeError(f"cannot serve {token}")

    app.add_url_rule("/probe/<token>/boom", "probe_boom", boom)  # any new token route
    app.config["PROPAGATE_EXCEPTIONS"] = False
    secret = "s3cr3t-token-value-0123456789"
    assert client.get(f"/probe/{secret}/boom").status_code == 500
    (error,) = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert error.getMessage() == "Exception on /probe/***/boom [GET]"
    assert "RuntimeError: cannot serve ***" in error.exc_text
    assert request_lines(logs)[0].fields["path"] == "/probe/***/boom"
    assert secret not in everything_logged(logs)


def test_the_worker_writes_one_json_line_per_job_run_with_log_format_json(app):
    env = child_env(app, LOG_FORMAT="json")
    ran = subprocess.run(
        [FLASK, "--app", "wsgi", "worker", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    entries = [json.loads(line) for line in ran.stderr.splitlines() if line.strip()]
    jobs = {e["job"]: e for e in entries if e.get("event") == "job"}
    assert set(jobs) == {
        "dispatch",
        "refresh_calendars",
        "extend_horizons",
        "digest",
        "erase_registrations",
        "subscriber_digest",
        "erase_unconfirmed_subscribers",
    }
    assert all(e["outcome"] == "ok" and e["duration_ms"] >= 0 for e in jobs.values())


def test_a_path_with_cr_lf_cannot_forge_a_text_log_line(client, logs):
    from scheduler.operations.logs import TEXT_FORMAT, TextFormatter

    client.get("/x%0d%0a2026-01-01 00:00:00 INFO scheduler.requests: GET /admin 200")
    (line,) = request_lines(logs)
    text = TextFormatter(TEXT_FORMAT).format(line)
    assert "\n" not in text and "\r" not in text
    assert "/x\\r\\n2026-01-01" in text
    assert line.fields["path"].startswith("/x\r\n")  # JSON keeps the value; json.dumps escapes it


def test_the_text_format_escapes_control_characters_in_any_message():
    from scheduler.operations.logs import TEXT_FORMAT, TextFormatter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "user %s", ("a\nb\x1b",), None)
    assert TextFormatter(TEXT_FORMAT).format(record).endswith("user a\\nb\\x1b")
