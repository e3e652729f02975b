"""The report page in a real Chromium: bars and charts are drawn, the drill-down link works."""

from __future__ import annotations

import pytest

from scheduler.extensions import db

pytestmark = pytest.mark.browser


def test_the_report_draws_progress_and_charts_and_leads_to_the_evidence(build, live_server, page):
    build.indicator(
        "info_days", {"kind": "held_events", "types": ["info_day"]}, targets={2024: 4}, final=12
    )
    build.event("2024-02-01 10:00", "info_day", status="held", attendance=18)
    build.event("2024-10-01 10:00", "info_day")
    db.session.commit()

    page.goto(f"{live_server}/indicators/?year=2024&lang=en")

    done = page.locator("#row-info_days .bar .done").bounding_box()
    more = page.locator("#row-info_days .bar .more").bounding_box()
    bar = page.locator("#row-info_days .bar").bounding_box()
    assert done["width"] == pytest.approx(bar["width"] / 4, abs=1.5)  # 1 of 4
    assert more["width"] == pytest.approx(bar["width"] / 4, abs=1.5)  # 1 more planned
    chart = page.locator("#card-info_days svg.chart")
    assert chart.bounding_box()["height"] > 100
    assert chart.locator("polyline.actual").count() == 1
    page.click("#row-info_days a")
    assert page.locator("#counted-events tbody tr[data-event-id]").count() == 1
    assert "18" in page.locator("#counted-events").inner_text()
