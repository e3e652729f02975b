"""The widget and its iframe form on another site, in Chromium.

"Another site" is a static page served by http.server from another loopback port: another
origin, as a city website is.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from accessibility import assert_accessible

pytestmark = pytest.mark.browser

WIDGET_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tartu city website</title>
<link rel="icon" href="data:,">
<style>
  a {{ color: rgb(170, 0, 0); }}
  #branded {{ --elvl-link: rgb(0, 100, 0); --elvl-font: Georgia, serif; }}
</style>
<script src="{live}/embed.js" async></script>
</head>
<body>
<main>
<h1>Newcomers in Tartu</h1>
<p><a id="own" href="/">The city's own link</a></p>
<div id="branded" data-elvl-events data-org="{org}" data-lang="ru" data-type="club,info_day"
     data-limit="5"></div>
<p id="after">The rest of the city's page.</p>
</main>
</body>
</html>
"""

FRAME_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Framing</title><link rel="icon" href="data:,"></head>
<body>
<iframe id="embed" title="Upcoming events" src="{live}/embed/events?org=tartu&amp;lang=ru"></iframe>
<iframe id="home" title="The home page" src="{live}/"></iframe>
</body>
</html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def other_site(tmp_path, live_server):
    """A static site on another loopback port; ``write(name, html)`` adds a page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"

    def write(name: str, html: str) -> str:
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"{origin}/{name}"

    yield write
    server.shutdown()
    thread.join(timeout=10)


def _watch(page) -> dict:
    """Console errors, uncaught exceptions and every requested origin of the page."""
    seen = {"errors": [], "origins": set()}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on(
        "request", lambda r: seen["origins"].add("{0.scheme}://{0.netloc}".format(urlsplit(r.url)))
    )
    return seen


def test_a_city_page_shows_the_upcoming_events_of_the_api_with_no_cookie(
    client, upcoming, live_server, other_site, page
):
    api = client.get("/api/events?org=tartu&type=club,info_day&hl=ru&limit=5").get_json()["items"]
    assert len(api) == 5
    url = other_site("city.html", WIDGET_PAGE.format(live=live_server, org="tartu"))
    seen = _watch(page)
    page.goto(url)
    links = page.locator("[data-elvl-events] li a")
    links.first.wait_for()
    shown = [(a.get_attribute("href"), a.inner_text()) for a in links.all()]
    assert shown == [(f"{item['url']}?lang=ru", item["title"]) for item in api]
    assert "Разговорный клуб" in [text for _href, text in shown]
    # times: the event's own wall-clock time in <time> elements
    first_time = page.locator("[data-elvl-events] li time").first
    assert first_time.get_attribute("datetime") == api[0]["start"]
    assert api[0]["start"][11:16] in first_time.inner_text()
    # the list speaks Russian: its lang, its "more" link; the Estonian-only title is marked
    assert page.locator("[data-elvl-events] .elvl").get_attribute("lang") == "ru"
    more = page.get_by_role("link", name="Больше мероприятий")
    assert more.get_attribute("href") == f"{live_server}/city/tartu?lang=ru"
    assert page.locator("[data-elvl-events] a", has_text="Infopäev").get_attribute("lang") == "et"
    # a cancelled meeting is struck through and says so
    cancelled = page.locator("[data-elvl-events] li.cancelled")
    assert cancelled.count() == 1 and "Отменено" in cancelled.inner_text()
    assert seen["errors"] == []
    assert page.context.cookies() == []
    assert seen["origins"] <= {url.rsplit("/", 1)[0], live_server}
    assert live_server in seen["origins"]


def test_the_widget_keeps_its_styles_apart_and_takes_the_host_colours(
    upcoming, live_server, other_site, page
):
    page.goto(other_site("city.html", WIDGET_PAGE.format(live=live_server, org="tartu")))
    widget_link = page.locator("[data-elvl-events] li a").first
    widget_link.wait_for()
    style = widget_link.evaluate("a => [getComputedStyle(a).color, getComputedStyle(a).fontFamily]")
    assert style == ["rgb(0, 100, 0)", "Georgia, serif"]  # the host's custom properties
    assert page.eval_on_selector("#own", "a => getComputedStyle(a).color") == "rgb(170, 0, 0)"
    widget_link.focus()
    outline = widget_link.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline == "solid", "a focused link shows a visible outline"


def test_the_widget_on_a_city_page_passes_axe_at_phone_width(
    upcoming, live_server, other_site, page
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(other_site("city.html", WIDGET_PAGE.format(live=live_server, org="tartu")))
    page.locator("[data-elvl-events] li a").first.wait_for()
    assert_accessible(page, label="a city page with the widget")


def test_a_widget_that_cannot_load_shows_a_quiet_link_and_leaves_the_page_intact(
    live_server, other_site, page
):
    seen = _watch(page)
    page.goto(other_site("broken.html", WIDGET_PAGE.format(live=live_server, org="nowhere")))
    fallback = page.locator("[data-elvl-events] .more a")
    fallback.first.wait_for()
    assert fallback.all_inner_texts() == ["Больше мероприятий", "Уведомления по почте"]
    assert fallback.nth(1).get_attribute("href").endswith("/subscribe?org=nowhere&lang=ru")
    assert page.locator("[data-elvl-events] li").count() == 0
    assert page.locator("#after").is_visible()
    assert [error for error in seen["errors"] if "status of 400" not in error] == []
    assert page.context.cookies() == []


def test_the_iframe_form_loads_in_another_site_while_other_pages_refuse_to_be_framed(
    upcoming, live_server, other_site, page
):
    seen = _watch(page)
    page.goto(other_site("frames.html", FRAME_PAGE.format(live=live_server)))
    embed = page.frame_locator("#embed")
    embed.locator("li a").first.wait_for()
    assert embed.locator("li a").count() == 5
    assert embed.get_by_role("link", name="Больше мероприятий").get_attribute("target") == "_blank"
    # the home page is blocked: Chromium shows its error page instead, with nothing of ours
    page.wait_for_timeout(500)
    home = page.locator("#home").element_handle().content_frame()
    assert home.url.startswith("chrome-error://") or home.locator("header").count() == 0
    assert home.locator("text=ELVL").count() == 0
    assert any("frame-ancestors" in error for error in seen["errors"])
    assert page.context.cookies() == []


@pytest.mark.parametrize("language", ["et", "en", "ru"])
def test_the_iframe_form_passes_axe(upcoming, live_server, page, language):
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/embed/events?org=tartu&lang={language}")
        assert page.locator("li").count() == 5
        assert_accessible(page, label=f"/embed/events in {language} at {width} px")


STRICT_PAGE = """<!doctype html>
<html lang="et">
<head><meta charset="utf-8"><title>A strict city website</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {live};
      connect-src {live}; style-src 'self'; img-src data:">
<link rel="icon" href="data:,">
<style>h1 {{ color: rgb(1, 2, 3); }}</style>
<script src="{live}/embed.js" async></script>
</head>
<body><main><h1>Uudised</h1><div data-elvl-events data-org="tartu"></div></main></body>
</html>
"""


def test_the_widget_is_styled_on_a_page_whose_policy_forbids_inline_styles(
    upcoming, live_server, other_site, page
):
    seen = _watch(page)
    page.goto(other_site("strict.html", STRICT_PAGE.format(live=live_server)))
    link = page.locator("[data-elvl-events] li a").first
    link.wait_for()
    h1_colour = page.eval_on_selector("h1", "h => getComputedStyle(h).color")
    assert h1_colour != "rgb(1, 2, 3)", "the page's policy is in force: its inline style is refused"
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(0, 90, 163)"
    assert (
        page.locator("[data-elvl-events] ul").evaluate("u => getComputedStyle(u).listStyleType")
        == "none"
    )
    # no data-lang: the host page's language
    assert page.locator("[data-elvl-events] .elvl").get_attribute("lang") == "et"
    assert page.get_by_role("link", name="Veel üritusi").is_visible()
    assert [error for error in seen["errors"] if "inline style" not in error] == []


def test_a_failed_answer_is_read_to_its_end_so_the_host_page_goes_network_idle(
    live_server, other_site, page
):
    finished: list[str] = []
    page.on("requestfinished", lambda request: finished.append(request.url))
    page.goto(other_site("broken.html", WIDGET_PAGE.format(live=live_server, org="nowhere")))
    page.locator("[data-elvl-events] .more a").first.wait_for()
    page.wait_for_load_state("networkidle", timeout=15_000)
    api = [url for url in finished if "/api/events?" in url]
    assert api, finished  # the 400 was read, not left open
