"""How the suite runs: CI's Hypothesis profile, a timeout per test, the slowest listed, and
one waiting helper instead of spin-waits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings
from polling import wait_until

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_make_test_with_the_deterministic_hypothesis_profile(tmp_path):
    fake_make = tmp_path / "make"
    fake_make.write_text('#!/bin/sh\necho "make $* HYPOTHESIS_PROFILE=$HYPOTHESIS_PROFILE"\n')
    fake_make.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
    env["PATH"] = f"{tmp_path}:{env['PATH']}"
    ran = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "make test HYPOTHESIS_PROFILE=ci"


def test_the_ci_profile_replays_fixed_examples_without_a_deadline():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.deadline is None


def test_make_test_lists_the_twenty_slowest_tests():
    dry_run = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    (pytest_line,) = [line for line in dry_run.stdout.splitlines() if "-m pytest" in line]
    assert "--durations=20" in pytest_line


def _make_dry_run(*args: str, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "BASE_URL"} | env
    ran = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return ran.stdout.splitlines()


def test_make_test_checks_the_layers_with_import_linter():
    lines = _make_dry_run("test")
    (lint,) = [line for line in lines if "lint-imports" in line]
    pytest_line = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert lines.index(lint) < pytest_line


def test_make_run_on_another_port_makes_links_point_at_that_port():
    flask_lines = [line for line in _make_dry_run("run", "PORT=5123") if "flask" in line]
    assert len(flask_lines) == 4
    assert all(line.startswith("BASE_URL=http://127.0.0.1:5123 ") for line in flask_lines)
    assert flask_lines[-1].endswith("run --port 5123")


def test_make_run_keeps_a_base_url_the_operator_set():
    lines = _make_dry_run("run", "PORT=5123", BASE_URL="https://kalender.example.ee")
    flask_lines = [line for line in lines if "flask" in line]
    assert all(line.startswith("BASE_URL=https://kalender.example.ee ") for line in flask_lines)


def test_every_test_has_a_timeout_and_browser_tests_a_longer_one(request):
    assert request.config.getini("timeout") == "120"
    for item in request.session.items:
        if item.get_closest_marker("browser"):
            assert item.get_closest_marker("timeout").args[0] >= 300


def test_a_hung_test_fails_with_a_timeout_instead_of_hanging_the_run(tmp_path):
    (tmp_path / "test_hangs.py").write_text(
        "import threading\n\ndef test_hangs():\n    threading.Event().wait()\n"
    )
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 1
    assert "Timeout" in ran.stdout and "1 failed" in ran.stdout


def test_wait_until_returns_as_soon_as_the_condition_holds():
    done = threading.Event()
    threading.Timer(0.05, done.set).start()
    assert wait_until(done.is_set, timeout=30) is True


def test_wait_until_fails_with_its_message_when_the_condition_never_holds():
    with pytest.raises(AssertionError, match="the sink stayed empty"):
        wait_until(lambda: False, timeout=0.2, interval=0.05, what="the sink stayed empty")


def test_a_run_ends_with_the_seconds_spent_per_test_package():
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "tests/test_tooling.py::test_the_ci_profile_replays_fixed_examples_without_a_deadline",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    summary = ran.stdout.split("seconds per test package", 1)[1]
    assert "(top level)" in summary
    assert summary.splitlines()[-2].strip().endswith("all")
