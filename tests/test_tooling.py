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
