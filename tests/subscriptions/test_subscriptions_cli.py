"""`flask subscribers list [--format table|json]`: what whoever runs the site may see."""

from __future__ import annotations

import json

import pytest

from scheduler.extensions import db
from scheduler.subscriptions.choices import Choice
from scheduler.subscriptions.service import subscribe

pytestmark = pytest.mark.postgres


def test_list_shows_each_subscription_with_its_email(app, runner):
    subscribe("a@example.ee", Choice(cities=("rakvere", "online"), languages=("ru", "en")))
    subscribe("b@example.ee", Choice(types=("club",), frequency="immediate", mail_language="ru"))
    db.session.commit()
    rows = json.loads(runner.invoke(args=["subscribers", "list", "--format", "json"]).output)
    first = rows[0]["id"]  # ids of rows erased by earlier tests are not given again
    assert rows[0] == {
        "id": first,
        "state": "pending",
        "cities": ["rakvere", "online"],
        "languages": ["ru", "en"],
        "types": [],
        "frequency": "weekly",
        "mail_language": "et",
        "email": "a@example.ee",
    }
    assert rows[1]["frequency"] == "immediate" and rows[1]["mail_language"] == "ru"
    table = runner.invoke(args=["subscribers", "list"]).output.splitlines()
    assert table[0].split("\t") == [
        "id", "state", "cities", "languages", "types", "frequency", "mail_language", "email"
    ]  # fmt: skip
    assert table[1].split("\t") == [
        str(first), "pending", "rakvere,online", "ru,en", "", "weekly", "et", "a@example.ee"
    ]  # fmt: skip


def test_digest_refuses_a_now_that_is_not_a_time(app, runner):
    result = runner.invoke(args=["subscribers", "digest", "--now", "soon"])
    assert result.exit_code == 2
