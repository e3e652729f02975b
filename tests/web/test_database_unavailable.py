"""A database that is down answers 503 with Retry-After, logged as one line (issue 15.15)."""

from __future__ import annotations

import logging
import time

import pytest

from scheduler import create_app
from tests.conftest import _config

CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:9/test"


@pytest.fixture
def down_app(tmp_path):
    return create_app(
        _config(CLOSED_PORT, INSTANCE_PATH=str(tmp_path), DATABASE_RETRY_AFTER_SECONDS=7)
    )


@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/?lang=en", "text/html"),
        ("/api/events", "application/json"),
        ("/feeds/all.ics", "text/plain"),
    ],
)
def test_a_database_that_is_down_gives_503_with_retry_after_not_500(down_app, path, mimetype):
    answer = down_app.test_client().get(path)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "7"
    assert answer.mimetype == mimetype


def test_each_failure_is_one_log_line_without_a_traceback(down_app, caplog):
    client = down_app.test_client()
    with caplog.at_level(logging.INFO):
        assert client.get("/api/events").status_code == 503
    failures = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(failures) == 1
    assert "GET /api/events" in failures[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records), [r.getMessage() for r in caplog.records]


def test_after_a_failure_requests_get_503_at_once_without_trying_again(down_app, caplog):
    client = down_app.test_client()
    assert client.get("/api/events").status_code == 503
    caplog.clear()
    started = time.monotonic()
    for _ in range(20):
        answer = client.get("/api/events")
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "7"
    assert time.monotonic() - started < 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("lang", "title"),
    [("et", "Ajutiselt kättesaamatu"), ("en", "Temporarily unavailable"), ("ru", "Временно")],
)
def test_the_503_page_says_so_in_the_visitors_language(down_app, lang, title):
    page = down_app.test_client().get(f"/?lang={lang}").get_data(as_text=True)
    assert title in page
