"""/embed.js and /embed/events over HTTP: caching, no cookies, framing, same events as the API."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "embed.js"
GZIP_BUDGET = 10 * 1024


def _directives(policy: str) -> dict[str, str]:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


class _Links(HTMLParser):
    """Every <a> of a page: its attributes and its text; and the <html lang>."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.html_lang = None
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}
            self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


# --- /embed.js ---------------------------------------------------------------------------


def test_the_widget_script_stays_under_ten_kilobytes_gzipped():
    size = len(gzip.compress(SCRIPT.read_bytes(), compresslevel=9))
    assert size < GZIP_BUDGET, f"embed.js is {size} bytes gzipped"


def test_the_widget_script_is_served_with_a_long_cache_and_revalidated_by_its_etag(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    served = response.data.decode()
    before, after = SCRIPT.read_text(encoding="utf-8").split("/* words */")
    assert served.startswith(before) and served.endswith(after.split("/* end words */")[1])
    assert len(gzip.compress(response.data, compresslevel=9)) < GZIP_BUDGET
    assert response.cache_control.public
    assert response.cache_control.max_age == 86400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    etag = response.headers["ETag"]
    again = client.get("/embed.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_the_widget_reads_only_its_own_site_and_sends_no_cookies():
    source = SCRIPT.read_text(encoding="utf-8")
    assert 'credentials: "omit"' in source
    # Every address the script can reach is built from its own src ("base"): no other host.
    assert re.findall(r"https?://", source) == []


# --- no cookies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/embed.js",
        "/embed/events?org=tartu&lang=ru",
        "/embed/events?lang=en&held_in=en&type=club&limit=3",
        "/embed/events?org=nowhere&lang=et",
        "/api/events?org=tartu&hl=ru&limit=5",
        "/api/events?org=tartu&hl=ru&lang=en&type=club,info_day&limit=5",
    ],
)
def test_what_the_widget_asks_for_sets_no_cookie(client, upcoming, path):
    response = client.get(path, headers={"Accept-Language": "ru"})
    assert response.status_code in (200, 400), path
    assert "Set-Cookie" not in response.headers, path
    assert client.get_cookie("session") is None


# --- /embed/events -----------------------------------------------------------------------


def test_the_iframe_form_is_the_one_page_other_sites_may_frame(client, upcoming):
    response = client.get("/embed/events?org=tartu&lang=ru")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    for path in ("/", "/account/login", f"/events/{upcoming['info_day'].events[0].id}"):
        other = client.get(path)
        assert other.headers["X-Frame-Options"] == "DENY", path
        assert _directives(other.headers["Content-Security-Policy"])["frame-ancestors"] == (
            "'none'"
        ), path


def test_the_iframe_form_lists_the_events_the_api_gives_for_the_same_filter(client, upcoming):
    api = client.get("/api/events?org=tartu&hl=ru&limit=5").get_json()["items"]
    assert len(api) == 5
    response = client.get("/embed/events?org=tartu&lang=ru&limit=5")
    page = _links(response.get_data(as_text=True))
    assert page.html_lang == "ru"
    events = [link for link in page.links if "/events/" in link["href"]]
    # the same events; each link opens the event page in the list's language
    assert [(link["href"], link["text"]) for link in events] == [
        (f"{item['url']}?lang=ru", item["title"]) for item in api
    ]
    assert "Разговорный клуб" in [link["text"] for link in events]
    assert "Sisekoosolek" not in response.get_data(as_text=True)
    # the info day has an Estonian title only: marked as Estonian inside the Russian list
    assert [link.get("lang") for link in events if link["text"] == "Infopäev"] == ["et"]
    for link in page.links:
        assert link["target"] == "_blank" and link["rel"] == "noopener", link


def test_the_iframe_form_shows_a_cancelled_event_as_cancelled(client, upcoming):
    html = client.get("/embed/events?org=tartu&type=club&lang=en").get_data(as_text=True)
    cancelled_id = upcoming["cancelled"].id
    link = rf'<a href="[^"]*/events/{cancelled_id}\?lang=en"'
    item = re.search(rf'<li class="cancelled">\s*{link}', html)
    assert item is not None
    assert "Cancelled" in html


def test_the_iframe_form_filters_by_type_language_held_in_and_limit(client, upcoming):
    html = client.get("/embed/events?type=info_day&lang=en").get_data(as_text=True)
    titles = [link["text"] for link in _links(html).links if "/events/" in link["href"]]
    assert titles == ["Infopäev"]
    html = client.get("/embed/events?held_in=en&lang=en&limit=2").get_data(as_text=True)
    titles = [link["text"] for link in _links(html).links if "/events/" in link["href"]]
    assert titles == ["Conversation club", "Conversation club"]


def test_the_served_script_speaks_every_configured_language_from_the_catalogues(client):
    served = client.get("/embed.js").get_data(as_text=True)
    words = json.loads(re.search(r"var WORDS = (\{.*?\});", served, re.S).group(1))
    assert set(words) == {"et", "en", "ru", "uk"}
    assert words["et"]["more"] == "Veel üritusi"
    assert words["uk"]["none"] and words["uk"]["alerts"] != words["en"]["alerts"]


def test_the_iframe_form_offers_email_alerts_for_its_city(client, upcoming):
    html = client.get("/embed/events?org=tartu&lang=uk").get_data(as_text=True)
    [alerts] = re.findall(r'<a href="([^"]+)"[^>]*class="alerts"', html)
    assert alerts.endswith("/subscribe?org=tartu&amp;lang=uk")


def test_the_iframe_form_speaks_the_requested_language_and_links_to_more_events(client, upcoming):
    for language, more in (
        ("et", "Veel üritusi"),
        ("en", "More events"),
        ("ru", "Больше мероприятий"),
    ):
        html = client.get(f"/embed/events?org=tartu&lang={language}").get_data(as_text=True)
        page = _links(html)
        assert page.html_lang == language
        [link] = [link for link in page.links if link["text"] == more]
        assert link["href"].endswith(f"/city/tartu?lang={language}")
    html = client.get("/embed/events?lang=en", headers={"Accept-Language": "ru"})
    assert _links(html.get_data(as_text=True)).html_lang == "en"
    html = client.get("/embed/events", headers={"Accept-Language": "ru"})
    assert _links(html.get_data(as_text=True)).html_lang == "ru"


def test_the_iframe_form_says_so_when_nothing_is_coming(client, upcoming):
    html = client.get("/embed/events?org=parnu&type=info_day&lang=en").get_data(as_text=True)
    assert "No upcoming events" in html


def test_a_filter_that_cannot_be_used_is_answered_in_the_frame_not_with_a_site_page(client):
    response = client.get("/embed/events?org=nowhere&lang=en")
    assert response.status_code == 400
    assert "X-Frame-Options" not in response.headers
    assert _directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == "*"
    html = response.get_data(as_text=True)
    assert "unknown organisation: nowhere" in html
    assert "More events" in html


@pytest.mark.parametrize("query", ["org=", "type=club,,info_day", "held_in=", "limit="])
def test_an_empty_filter_is_refused_in_the_frame_as_the_api_refuses_it(client, upcoming, query):
    response = client.get(f"/embed/events?{query}&lang=en")
    assert response.status_code == 400
    assert "single commas" in response.get_data(as_text=True) or "limit" in query


def test_the_iframe_form_answers_304_to_a_repeated_request(client, upcoming):
    first = client.get("/embed/events?org=tartu&lang=et")
    again = client.get(
        "/embed/events?org=tartu&lang=et", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["org", "lang", "type", "held_in", "limit"])
def test_hostile_arguments_get_a_framed_answer_never_a_server_error(client, upcoming, name):
    # (a NUL byte is refused before any view, by scheduler/errors, with the site's own page)
    for hostile in ("x" * 5000, "<script>alert(1)</script>", "-1", "99999999999999999999", "../"):
        response = client.get("/embed/events", query_string={name: hostile})
        assert response.status_code in (200, 400), (name, hostile)
        assert "X-Frame-Options" not in response.headers
        assert "<script>alert" not in response.get_data(as_text=True)
