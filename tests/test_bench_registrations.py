"""bench/registrations.py runs end to end at a tiny size (its timings are never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_the_registrations_bench_registers_checks_in_and_ends_with_its_summary_line():
    command = [sys.executable, str(ROOT / "bench" / "registrations.py")]
    command += ["--clients", "5", "--rounds", "1", "--registrants", "30", "--repeat", "1"]
    command += ["--workers", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=280, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert any(line.strip().startswith("register round 1: p50") for line in lines), lines
    assert any("30 registrants" in line and " ms" in line for line in lines), lines
    summary = dict(pair.split("=", 1) for pair in lines[-1].split())
    assert summary["clients"] == "5" and summary["registrants"] == "30", lines[-1]
    for key in ("register_p50_ms", "register_p95_ms", "checkin_p50_ms", "checkin_growth"):
        assert float(summary[key]) > 0, (key, lines[-1])
    assert float(summary["register_p95_ms"]) >= float(summary["register_p50_ms"])
