"""The pages work in Chromium under their Content-Security-Policy: no violation is reported."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _console_problems(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_pages_load_without_any_content_security_policy_violation(plan_2024, live_server, page):
    problems = _console_problems(page)
    for path in (
        "/account/login?lang=en",
        "/indicators/?year=2024&lang=en",
        "/indicators/coordinators?year=2024&lang=en",
        "/feeds/?lang=en",
        "/?year=2024&lang=en",
    ):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    assert problems == []


def test_the_moved_stylesheets_and_progress_bars_still_apply(plan_2024, live_server, page):
    problems = _console_problems(page)
    page.goto(f"{live_server}/indicators/?year=2024&lang=en")
    header_colour = page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(0, 90, 163)"
    bar = page.locator("svg.bar").first.bounding_box()
    assert bar["width"] > 50 and bar["height"] > 5
    assert problems == []


def test_a_feed_address_is_selected_with_one_click_by_the_static_script(live_server, page):
    page.goto(f"{live_server}/feeds/?lang=en")
    field = page.locator("input[data-select-on-click]").first
    field.click()
    selected = field.evaluate("e => e.value.substring(e.selectionStart, e.selectionEnd)")
    assert selected == field.input_value() and selected.endswith(".ics")
