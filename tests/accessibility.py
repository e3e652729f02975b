"""Accessibility and layout checks run inside the real browser.

axe-core comes from npm (``package.json``; ``make test-setup`` runs ``npm ci``). The live
server (``tests/conftest.py``) also serves it at :data:`AXE_PATH`, from the pages' own origin,
so that the site's CSP (``script-src 'self'``) lets a ``<script src>`` load it and Chromium
keeps its compiled code between pages: evaluating its 650 kB source through the DevTools
protocol (which no CSP governs), as is done for a page the live server did not serve, costs
tens of milliseconds more per page. Either way the page under test is what a visitor gets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urljoin

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Where the live server serves AXE; no route of the app starts with it.
AXE_PATH = "/__tests__/axe-core/axe.min.js"
# WCAG 2.0-2.2 A and AA, as the project promises; best-practice rules are advisory only.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# How many CSS pixels the page is wider than its viewport (0 when nothing scrolls).
SIDEWAYS_OVERFLOW = "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make test-setup` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def serving_axe(wsgi_app):
    """WSGI middleware: AXE at AXE_PATH (cached by the browser), everything else to the app."""
    from werkzeug.wrappers import Response

    def app(environ, start_response):
        if environ.get("PATH_INFO") != AXE_PATH:
            return wsgi_app(environ, start_response)
        response = Response(
            _axe_source(),
            mimetype="text/javascript",
            headers={"Cache-Control": "max-age=86400", "X-Content-Type-Options": "nosniff"},
        )
        return response(environ, start_response)

    return app


def inject_axe(page) -> None:
    """Load axe-core into the page's document (its own origin's copy when it has one)."""
    from playwright.sync_api import Error

    if page.url.startswith("http"):
        try:
            page.add_script_tag(url=urljoin(page.url, AXE_PATH))
            return
        except Error:  # not the live server, or a policy that refuses its scripts
            pass
    page.evaluate(_axe_source())


def axe_violations(page, *, injected: bool | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now: rule id, impact, help and targets.

    ``injected`` says whether axe-core is already in the document, when the caller knows.
    After a click that submits a form the next page may still be loading: its style sheet
    decides sizes and colours, so axe waits for the load event (at once if it has fired).
    """
    page.wait_for_load_state("load")
    if injected is None:
        injected = page.evaluate("() => typeof window.axe === 'object'")
    if not injected:
        inject_axe(page)
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
    return page.evaluate(f"() => {SIDEWAYS_OVERFLOW}")


def assert_accessible(page, *, label: str = "") -> None:
    where = label or page.url
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {where}: {violations}"
    assert sideways_overflow(page) == 0, f"{where} scrolls sideways"
