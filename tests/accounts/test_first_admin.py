"""A fresh install: `flask users first-admin-link` prints a link that makes the first admin."""

from __future__ import annotations

import re

from scheduler.accounts.models import Role, find_user
from tests.accounts.conftest import fresh, is_signed_in
from tests.accounts.support import make_person, path_of

PASSWORD = "first admin password"


def _link(runner) -> str | None:
    result = runner.invoke(args=["users", "first-admin-link"])
    assert result.exit_code == 0, result.output
    found = re.search(r"https?://\S+/first-admin/\S+", result.output)
    return found and found.group(0)


def _create(client, path: str, email: str = "boss@elvl.ee"):
    fresh()
    return client.post(
        path + "?lang=en", data={"email": email, "password": PASSWORD, "confirm": PASSWORD}
    )


def test_the_first_admin_link_creates_an_admin_who_is_signed_in(app, runner):
    path = path_of(_link(runner))
    client = app.test_client()
    fresh()
    assert client.get(path).status_code == 200
    assert _create(client, path).status_code == 302
    assert find_user("boss@elvl.ee").role == Role.ADMIN
    assert is_signed_in(client)


def test_the_link_is_refused_once_an_admin_exists(app, runner):
    path = path_of(_link(runner))
    assert _create(app.test_client(), path).status_code == 302
    again = _create(app.test_client(), path, email="intruder@elvl.ee")
    assert again.status_code == 410
    assert "An administrator already exists" in again.get_data(as_text=True)
    assert find_user("intruder@elvl.ee") is None


def test_no_link_is_printed_while_an_admin_exists(app, runner, admin):
    result = runner.invoke(args=["users", "first-admin-link"])
    assert "An administrator exists" in result.output
    assert "/first-admin/" not in result.output


def test_other_people_do_not_count_as_an_admin(app, runner):
    make_person("coord@tartu.ee", Role.COORDINATOR, "tartu")
    assert _link(runner) is not None


def test_a_forged_first_admin_link_is_a_bad_request(app, client):
    fresh()
    assert client.get("/account/first-admin/forged.token.here").status_code == 400
