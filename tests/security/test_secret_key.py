"""No key is known from the source: without SECRET_KEY each instance generates and keeps its own."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from scheduler import create_app
from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.reminders.tokens import opt_out_token
from scheduler.security.secret_key import SecretKeyError, instance_secret_key
from tests.accounts.conftest import PASSWORD, client_with_cookies, cookie
from tests.conftest import POSTGRES_URL, _config
from tests.jobs.jobs_support import FLASK, ROOT

OLD_LITERAL = "dev-only-change-me"


def _default_app(database_url: str, instance: Path) -> Flask:
    """The app as started with no SECRET_KEY in the environment."""
    return create_app(_config(database_url, SECRET_KEY=None, INSTANCE_PATH=str(instance)))


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'local.sqlite'}"


def _key_file(instance: Path) -> Path:
    return instance / "secret_key"


def test_without_a_configured_key_a_random_one_is_generated_and_kept_private(tmp_path):
    app = _default_app(_sqlite(tmp_path), tmp_path / "a")
    key = app.config["SECRET_KEY"]
    assert key and key != OLD_LITERAL and len(key) >= 32
    key_file = _key_file(tmp_path / "a")
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_kept_key_is_reused_on_restart_and_differs_between_instances(tmp_path):
    database_url = _sqlite(tmp_path)
    first = _default_app(database_url, tmp_path / "a").config["SECRET_KEY"]
    restarted = _default_app(database_url, tmp_path / "a").config["SECRET_KEY"]
    elsewhere = _default_app(database_url, tmp_path / "b").config["SECRET_KEY"]
    assert restarted == first
    assert elsewhere != first


def test_a_configured_key_is_used_and_no_file_is_written(database_url, tmp_path):
    app = create_app(_config(database_url, SECRET_KEY="k" * 40, INSTANCE_PATH=str(tmp_path / "a")))
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not _key_file(tmp_path / "a").exists()


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    start = threading.Barrier(12)
    keys: list[str] = []

    def start_up():
        start.wait()
        keys.append(instance_secret_key(tmp_path))

    threads = [threading.Thread(target=start_up) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 12 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no temporary file is left"


def test_an_empty_key_file_is_refused_with_a_clear_message(tmp_path):
    _key_file(tmp_path).write_text("\n")
    with pytest.raises(RuntimeError, match="holds no usable key"):
        instance_secret_key(tmp_path)


@pytest.fixture
def default_app(app, database_url, tmp_path) -> Flask:
    """A second app on the test database with no SECRET_KEY; ``app`` cleans the tables."""
    admin = User(email="adviser@elvl.ee", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    db.session.add(admin)
    db.session.commit()
    return _default_app(database_url, tmp_path / "instance-default")


def _signed_in(app: Flask, client) -> bool:
    with app.app_context():
        status = client.get("/reminders/").status_code
    assert status in (200, 302), status
    return status == 200


def _forged_session(user_id: str) -> str:
    forger = Flask("forger")
    forger.secret_key = OLD_LITERAL
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": user_id, "_fresh": True})


# A generated key serves a local SQLite setup only (PostgreSQL means shared nodes, where it is
# refused: see the tests above), so this runs on SQLite alone.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_session_cookie_signed_with_the_old_literal_key_is_not_accepted(default_app):
    admin = db.session.query(User).one()
    for user_id in (str(admin.id), admin.get_id()):
        forged = client_with_cookies(default_app, session=_forged_session(user_id))
        assert not _signed_in(default_app, forged)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rotating_the_key_signs_everyone_out_refuses_old_links_and_the_app_still_serves(
    default_app, database_url, tmp_path
):
    client = default_app.test_client()
    with default_app.app_context():
        response = client.post(
            "/account/login", data={"email": "adviser@elvl.ee", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert _signed_in(default_app, client)
    old_session = cookie(client)
    with default_app.app_context():
        old_link = f"/reminders/opt-out/{opt_out_token('organiser@tartu.ee')}?lang=en"
        assert client.get(old_link).status_code == 200

    _key_file(tmp_path / "instance-default").write_text("a-new-key-" + "x" * 40 + "\n")
    restarted = _default_app(database_url, tmp_path / "instance-default")

    returning = client_with_cookies(restarted, session=old_session)
    assert not _signed_in(restarted, returning)
    with restarted.app_context():
        assert returning.get("/?lang=en").status_code == 200
        again = returning.post(
            "/account/login", data={"email": "adviser@elvl.ee", "password": PASSWORD}
        )
    assert again.status_code == 302
    assert _signed_in(restarted, returning)
    with restarted.app_context():
        refused = returning.get(old_link)
        assert refused.status_code == 403
        assert "This link is not valid" in refused.get_data(as_text=True)
        new_link = f"/reminders/opt-out/{opt_out_token('organiser@tartu.ee')}?lang=en"
        assert returning.get(new_link).status_code == 200


def test_generating_a_key_is_logged_at_start_up(tmp_path):
    """Logging starts before the key is made, so the line reaches the process's log."""
    env = {
        "PATH": "/usr/bin:/bin",
        "SCHEDULER_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": _sqlite(tmp_path),
        "MAIL_CAPTURE_DIR": str(tmp_path / "mail"),
    }
    ran = subprocess.run(
        [FLASK, "--app", "wsgi", "routes"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert f"generated a new secret key in {tmp_path / 'instance' / 'secret_key'}" in ran.stderr


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"BASE_URL": "https://kalender.elvl.ee"}, "BASE_URL is https"),
        ({"SQLALCHEMY_DATABASE_URI": POSTGRES_URL}, "DATABASE_URL is not SQLite"),
    ],
)
def test_a_site_several_nodes_may_serve_refuses_to_start_with_a_generated_key(
    tmp_path, settings, reason
):
    config = _config(_sqlite(tmp_path), SECRET_KEY=None, INSTANCE_PATH=str(tmp_path / "i"))
    with pytest.raises(SecretKeyError) as refused:
        create_app(config | settings)
    assert reason in str(refused.value) and "Set SECRET_KEY" in str(refused.value)
    assert not _key_file(tmp_path / "i").exists(), "no key is generated"
    # a key kept from an earlier start is refused as well: it is one host's alone
    _key_file(tmp_path / "i").write_text("k" * 48 + "\n")
    with pytest.raises(SecretKeyError):
        create_app(config | settings)
    assert create_app(config | settings | {"SECRET_KEY": "s" * 48}).config["SECRET_KEY"]


def test_an_instance_folder_where_no_key_can_be_kept_says_what_to_set(tmp_path):
    if os.geteuid() == 0:
        folder = Path("/proc/self")  # no file can be created there, even by root
    else:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
    with pytest.raises(SecretKeyError) as refused:
        _default_app(_sqlite(tmp_path), folder)
    message = str(refused.value)
    assert "set SECRET_KEY" in message and "SCHEDULER_INSTANCE" in message
    assert str(folder / "secret_key") in message
