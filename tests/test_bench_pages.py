"""bench/pages.py runs end to end at a tiny size (its timings are never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_the_pages_bench_serves_every_page_and_ends_with_its_summary_line():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--events", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=280,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    for page in ("agenda", "week", "month", "awaiting", "public_home", "api_events_304"):
        row = next((line for line in lines if line.split()[:1] == [page]), None)
        assert row is not None and " ms" in row, (page, result.stdout)
    city = next(line for line in lines if line.split()[:1] == ["city"])
    assert " ms" in city or "skipped (not on this branch)" in city
    summary = dict(pair.split("=", 1) for pair in lines[-1].split())
    assert {"growth", "month_p50_ms", "api_304_ratio"} <= summary.keys(), lines[-1]
    assert float(summary["growth"]) > 0 and float(summary["month_p50_ms"]) > 0
    assert summary["events"] == "300" and summary["tenth"] == "30"
