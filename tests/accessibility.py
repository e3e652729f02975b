"""Accessibility and layout checks run inside the real browser.

axe-core comes from npm (``package.json``; ``make test-setup`` runs ``npm ci``). It is
evaluated through the DevTools protocol, which the site's CSP (no inline scripts) does not
govern, so the page under test is exactly what a visitor gets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 A and AA, as the project promises; best-practice rules are advisory only.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make test-setup` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now: rule id, impact, help and targets.

    After a click that submits a form the next page may still be loading: its style sheet
    decides sizes and colours, so axe waits for the load event (at once if it has fired)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        # resultTypes: only violations are gathered in full (much faster on long pages)
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls)."""
    page.wait_for_load_state("load")
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def assert_accessible(page, *, label: str = "") -> None:
    where = label or page.url
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {where}: {violations}"
    assert sideways_overflow(page) == 0, f"{where} scrolls sideways"
