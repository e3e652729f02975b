"""/robots.txt keeps private links out; /sitemap.xml lists the public pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from factories import expand, make_org, make_series

from scheduler.extensions import db

BASE = "http://127.0.0.1:5000"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_keep_private_feeds_follow_ups_accounts_and_the_api_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    token = "Xy3_kQ9-" * 5
    for path in (
        f"/feeds/{token}/all.ics",
        f"/feeds/{token}/org/tartu.ics",
        f"/feeds/{token}/mine.ics",
        "/reminders/followup/some.signed.token",
        "/reminders/opt-out/some.signed.token",
        "/account/login",
        "/api/events",
        "/api/openapi.json",
    ):
        assert not robots.can_fetch("*", BASE + path), path
    for path in (
        "/",
        "/events/12",
        "/feeds/all.ics",
        "/feeds/org/tartu.ics",
        "/feeds/lang/ru.ics",
        "/indicators/",
        "/sitemap.xml",
    ):
        assert robots.can_fetch("*", BASE + path), path
    # the feeds page itself: "$" ends the pattern for Google and Bing (RFC 9309 longest match)
    assert "Allow: /feeds/$" in text.splitlines()
    assert robots.site_maps() == [f"{BASE}/sitemap.xml"]


def test_the_sitemap_lists_public_event_pages_of_the_coming_months_and_the_feeds_page(client, app):
    today = datetime.now(ZoneInfo("Europe/Tallinn")).date()
    tartu = make_org("tartu")
    weekly = make_series(
        "weekly",
        org=tartu,
        rule="FREQ=WEEKLY",
        start=today - timedelta(days=120),
        bounds=(today - timedelta(days=120), today + timedelta(days=500)),
    )
    internal = make_series(
        "internal",
        org=tartu,
        rule="FREQ=WEEKLY",
        start=today,
        bounds=(today, today + timedelta(days=60)),
        is_public=False,
    )
    for series in (weekly, internal):
        expand(series, datetime(today.year + 3, 1, 1, tzinfo=ZoneInfo("UTC")))
    db.session.commit()

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    urls = root.findall("sm:url", NS)
    locations = [url.findtext("sm:loc", namespaces=NS) for url in urls]
    assert all(loc.startswith(BASE + "/") for loc in locations)
    assert len(locations) == len(set(locations))
    assert f"{BASE}/" in locations and f"{BASE}/feeds/" in locations

    def local_day(event) -> date:
        return event.start.astimezone(ZoneInfo("Europe/Tallinn")).date()

    # the window: 30 days back, 12 months ahead (SITEMAP_DAYS_BACK, SITEMAP_MONTHS_AHEAD)
    window_start, window_end = today - timedelta(days=30), _months_ahead(today, 12)
    listed = {
        f"{BASE}/events/{e.id}" for e in weekly.events if window_start <= local_day(e) < window_end
    }
    assert 0 < len(listed) < len(weekly.events)
    event_pages = {loc for loc in locations if "/events/" in loc}
    assert event_pages == listed
    assert not {f"{BASE}/events/{e.id}" for e in internal.events} & set(locations)
    for url in urls:
        if "/events/" in url.findtext("sm:loc", namespaces=NS):
            stamp = url.findtext("sm:lastmod", namespaces=NS)
            assert stamp.endswith("Z") and datetime.fromisoformat(stamp)
        assert {child.tag.split("}")[1] for child in url} <= {"loc", "lastmod", "link"}
        location = url.findtext("sm:loc", namespaces=NS)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("{http://www.w3.org/1999/xhtml}link")
        }
        assert alternates == {
            **{code: f"{location}?lang={code}" for code in ("et", "en", "ru", "uk")},
            "x-default": location,
        }


def _months_ahead(day: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)
