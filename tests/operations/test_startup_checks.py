"""The app refuses to start with production settings that cannot work, and says why."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scheduler import create_app
from scheduler.operations.checks import UnworkableSettings, web_workers
from tests.conftest import _config
from tests.jobs.jobs_support import FLASK, ROOT

PUBLIC_SITE = "https://kalender.elvl.ee"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Test settings on an SQLite file in tmp_path, with nothing from the environment."""
    for name in ("SECRET_KEY", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)

    def _settings(**overrides) -> dict:
        config = _config(
            f"sqlite:///{tmp_path / 'app.sqlite'}",
            INSTANCE_PATH=str(tmp_path / "instance"),
            MAIL_CAPTURE_DIR=str(tmp_path / "mail"),
        )
        return config | overrides

    return _settings


def refusal(config: dict) -> str:
    with pytest.raises(UnworkableSettings) as refused:
        create_app(config)
    return str(refused.value)


def test_the_test_settings_start(settings):
    assert create_app(settings()).config["TESTING"]


def test_an_https_site_with_the_key_from_the_source_is_refused(settings):
    message = refusal(settings(BASE_URL=PUBLIC_SITE, SECRET_KEY="dev-only-change-me"))
    assert "BASE_URL is https but no SECRET_KEY is set or persisted" in message


def test_an_https_site_starts_with_its_own_key_or_one_persisted_in_the_instance_folder(
    settings, tmp_path, monkeypatch
):
    assert create_app(settings(BASE_URL=PUBLIC_SITE, SECRET_KEY="a-real-secret-0123456789"))
    (tmp_path / "instance").mkdir(exist_ok=True)
    (tmp_path / "instance" / "secret_key").write_text("persisted-random-key")
    assert create_app(settings(BASE_URL=PUBLIC_SITE, SECRET_KEY="dev-only-change-me"))
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(settings(BASE_URL=PUBLIC_SITE, SECRET_KEY="dev-only-change-me"))


def test_several_web_workers_on_sqlite_without_wal_are_refused(settings):
    message = refusal(settings(SQLALCHEMY_DATABASE_URI="sqlite://", WEB_WORKERS=4))
    assert "4 web workers share the SQLite database" in message
    assert "not WAL" in message


def test_several_web_workers_on_an_sqlite_file_in_wal_mode_start(settings):
    assert create_app(settings(WEB_WORKERS=4))


def test_web_concurrency_counts_as_several_workers(settings, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert "3 web workers" in refusal(settings(SQLALCHEMY_DATABASE_URI="sqlite://"))


@pytest.mark.parametrize(
    "argv", [["gunicorn", "-w", "5", "wsgi:app"], ["gunicorn", "--workers=5"], ["gunicorn", "-w5"]]
)
def test_gunicorns_workers_option_is_read_from_its_command_line(settings, monkeypatch, argv):
    monkeypatch.setattr(sys, "argv", argv)
    assert web_workers(create_app(settings())) == 5


def test_no_mail_server_and_no_capture_folder_is_refused(settings):
    message = refusal(settings(MAIL_SERVER="", MAIL_CAPTURE_DIR=""))
    assert "no MAIL_SERVER and no MAIL_CAPTURE_DIR" in message


def test_a_capture_folder_that_cannot_be_written_is_refused(settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    message = refusal(settings(MAIL_CAPTURE_DIR=str(tmp_path / "a-file" / "mail")))
    assert "cannot be written" in message


def test_a_mail_server_needs_no_capture_folder(settings):
    assert create_app(settings(MAIL_SERVER="smtp.example.ee", MAIL_CAPTURE_DIR=""))


def test_every_problem_is_named_at_once(settings):
    message = refusal(
        settings(BASE_URL=PUBLIC_SITE, SECRET_KEY="dev-only-change-me", MAIL_CAPTURE_DIR="",
                 SQLALCHEMY_DATABASE_URI="sqlite://", WEB_WORKERS=2)
    )  # fmt: skip
    assert message.count("\n- ") == 3


def test_flask_refuses_to_start_from_the_command_line(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SCHEDULER_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "MAIL_CAPTURE_DIR": "",
    }
    ran = subprocess.run(
        [FLASK, "--app", "wsgi", "routes"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert ran.returncode != 0
    assert "refusing to start with settings that cannot work" in ran.stderr
    assert "no MAIL_SERVER and no MAIL_CAPTURE_DIR" in ran.stderr
