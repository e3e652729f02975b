"""Every HTML page passes axe-core (WCAG 2.2 AA) and fits a 360 px phone, in every language the
app offers (``LANGUAGES``), signed out and signed in as an admin, a coordinator and an
organiser.

The pages come from ``app.url_map``: every GET rule that answers HTML (not a feed, an
export, the API, static files or the health check). A rule without arguments is visited as
it is; a rule with arguments needs sample values in ``_pages`` below (what the ``world``
adds), so a page added later is covered at once, and one whose arguments nobody provided
fails ``test_every_page_has_sample_arguments`` with the endpoint's name.

The data are real enough for pages to show their real content: the 2024 plan, a current
demo series (today's calendar, reminders), an event with an outcome, a cancelled and a moved
occurrence, an imported calendar, invited people, a failed reminder. Pages a role may not
see are checked as the error page they show; forms are also checked in their error state,
and the error pages themselves (400, 403, 404, 410, 429).

Each (role, language) gets one browser context, and pages already checked in it are not
checked again: the same address, or the same document at another address (the sign-in page
a visitor is sent to from each protected page, the same refusal of many pages). One script
run per visit reads what the checks need of the document (its <main>, its width, the
document itself); axe-core is loaded from the live server's own origin, so that Chromium
compiles it once, not once per page (``tests/accessibility.py``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from flask import current_app
from flask_babel import refresh
from sqlalchemy import select

from scheduler.accounts.links import INVITATION, RESET, first_admin_token, user_token
from scheduler.accounts.models import Role, User
from scheduler.accounts.services import invite
from scheduler.calendars.importer import import_new_calendar
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, Series
from scheduler.events.service import cancel_occurrence, move_occurrence, record_outcome
from scheduler.extensions import db
from scheduler.indicators.models import Indicator
from scheduler.mail.models import Reminder, ReminderStatus
from scheduler.organisations.models import Organisation
from scheduler.reminders.tokens import followup_token, opt_out_token
from scheduler.subscriptions import service as subscriptions
from scheduler.subscriptions.choices import Choice
from scheduler.subscriptions.links import link_token
from tests.accessibility import SIDEWAYS_OVERFLOW, axe_violations
from tests.accounts.support import link_made_ago
from tests.factories import expand, make_series
from tests.registrations.registrations_support import (
    open_registration_with_one_person,
    sign_up,
)
from tests.support.people import PASSWORD
from tests.support.world import Recipe, World

# Rendering does not depend on the database backend, and a browser sweep of every page is
# the slowest test there is: it runs on SQLite only (the `database_url` fixture's PostgreSQL
# parameter is left out here; every page's queries run on PostgreSQL in the other tests).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(900),  # a busy machine; on a quiet one each test takes about a minute
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

# The browser's locale in each language (a language missing here is its own locale).
LOCALES = {"et": "et-EE", "en": "en-GB", "ru": "ru-RU", "uk": "uk-UA"}
PHONE = {"width": 360, "height": 740}
PEOPLE = {
    "admin": ("adviser@elvl.ee", Role.ADMIN, None),
    "coordinator": ("koordinaator@tartu.ee", Role.COORDINATOR, "tartu"),
    # the organiser of the plan's Tartu club series
    "organiser": ("klubi@tartu.ee", Role.ORGANISER, "tartu"),
}

# GET rules that are not HTML pages: feeds, exports, the API, files for machines.
_NOT_PAGES = re.compile(
    r"\.(ics|json|csv|xlsx|xml|txt|js|rss|atom)$|^/api/|^/static/|^/healthz(/jobs)?$"
)
# HTML fragments a page's script fetches into itself; they are checked inside that page
# (the series editor's browser tests run axe with the preview shown).
_FRAGMENTS = {"series.preview"}


def page_rules(app):
    """The GET rules of the app that answer HTML pages."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint != "static"
        and rule.endpoint not in _FRAGMENTS
        and not _NOT_PAGES.search(rule.rule)
    ]


@dataclass
class Sample:
    """One visit: the page's path, and what an admin must get (others may be refused)."""

    path: str
    admin_status: int = 200
    note: str = ""


def _event(key: str, index: int = 0) -> Event:
    series = db.session.scalar(select(Series).where(Series.key == key))
    return sorted(series.events, key=lambda e: e.start)[index]


def _org(slug: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


IMPORTED_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Library//EN\r
BEGIN:VEVENT\r
UID:story-hour@library.example\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Tallinn:20240510T120000\r
DTEND;TZID=Europe/Tallinn:20240510T130000\r
SUMMARY:Story hour\r
LOCATION:P\xc3\xa4rnu Central Library\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def world_recipe() -> Recipe:
    """The 2024 plan, its people, and a page of each kind in each state (``_pages``)."""
    return Recipe(plan=True, people=tuple(PEOPLE.values()), adds=_pages, people_last=False)


def _pages(world: World) -> dict:
    app, runner = current_app, current_app.test_cli_runner()
    tartu = _org("tartu")
    # people who were invited and have not answered yet
    invited, _link, _error = invite("uus.koordinaator@tartu.ee", Role.COORDINATOR, tartu)
    invite("vabatahtlik@parnu.ee", Role.VIEWER, _org("parnu"), locale="ru")

    # the Tartu club: one event held with an outcome, one cancelled, one moved, the rest
    # awaiting their outcome
    held = _event("2024-tartu-club-et", 0)
    record_outcome(held, held=True, attendance=17, kov_slugs=["tartu", "elva"], note="Hea õhtu")
    cancelled = _event("2024-tartu-club-et", 1)
    cancel_occurrence(cancelled, "Maja on remondis")
    moved = _event("2024-tartu-club-et", 2)
    move_occurrence(moved, moved.start + timedelta(days=1, hours=1))
    awaiting = _event("2024-tartu-club-et", 3)
    internal = db.session.scalar(
        select(Event).join(Series).where(~Series.is_public).order_by(Event.start).limit(1)
    )

    # a demo series around today, so the calendar's default views and the reminders have
    # something current
    today = utcnow().astimezone(zone()).date()
    demo = make_series(
        "demo-tartu-club",
        org=tartu,
        rule="FREQ=WEEKLY;BYDAY=MO,WE,FR",
        start=today - timedelta(days=14),
        at=time(17, 30),
        bounds=(today - timedelta(days=14), today + timedelta(days=60)),
        title="Sotsiaalse suhtluse klubi",
        title_en="Social-interaction club",
        title_ru="Клуб общения",
        organisers=["klubi@tartu.ee"],
        location="Tartu Rahvusvaheline Maja, Tartu",
        is_public=True,
        is_demo=True,
    )
    expand(demo)
    upcoming = next(e for e in sorted(demo.events, key=lambda e: e.start) if e.start > utcnow())
    failed = db.session.scalars(select(Reminder).order_by(Reminder.due)).first()
    assert failed is not None, "the demo series plans reminders"
    failed.status, failed.attempts = ReminderStatus.FAILED, 3
    failed.last_error = "SMTP 550: mailbox unavailable"
    db.session.commit()
    open_event_id, registered = open_registration_with_one_person(demo)
    # someone awaiting the organiser's approval: the participant list offers its buttons
    waiting = sign_up(db.session.get(Event, open_event_id), "ootaja")
    waiting.email_confirmed_at = utcnow()
    db.session.commit()
    asked = subscriptions.subscribe("uus@example.ee", Choice(cities=("tartu",)))
    kept = subscriptions.subscribe("jaab@example.ee", Choice(cities=("tartu", "online")))
    db.session.commit()
    subscriptions.confirm(kept)

    app.config["CALENDARS_DAYS_BACK"] = 5000  # the imported calendar is in 2024
    calendar, _report = import_new_calendar(
        "library.ics",
        _org("parnu").id,
        "club",
        "Pärnu library",
        data=IMPORTED_ICS,
        allow_files=True,
    )
    imported = db.session.scalar(
        select(Event).join(Series).where(Series.title == "Story hour").limit(1)
    )
    assert imported is not None, "the imported calendar has its event"
    indicators = {i.code: i for i in db.session.scalars(select(Indicator))}
    manual = next(c for c, i in sorted(indicators.items()) if i.rule.get("kind") == "manual")
    counted = next(c for c, i in sorted(indicators.items()) if i.rule.get("kind") != "manual")
    for args in (
        ["set", manual, "--year", "2024", "--value", "3", "--note", "Lepingud 2024",
         "--author", "adviser@elvl.ee"],
        ["revise", manual, "--year", "2024", "--value", "4", "--reason", "Uus partner",
         "--author", "adviser@elvl.ee"],
    ):  # fmt: skip
        result = runner.invoke(args=["indicators", *args])
        assert result.exit_code == 0, result.output
    db.session.commit()

    build = app.url_map.bind("localhost").build

    def at(endpoint, admin_status=200, note="", **values):
        return Sample(build(endpoint, values), admin_status, note)

    detail = "events.detail"
    samples = {
        "events.index": [
            at("events.index", note="today (the demo series)"),
            at("events.index", date="2024-03-05"),
            at("events.index", view="week", date="2024-03-11"),
            at("events.index", view="month", date="2024-01-01"),
            at("events.index", view="month"),
            at("events.index", date="2024-03-05", status="awaiting_outcome", org="tartu"),
            at("events.index", view="year", year="2024", org="tartu"),
            at("events.index", view="year", year="1999", admin_status=400, note="a bad year"),
        ],
        detail: [
            at(detail, event_id=held.id, note="held, with its outcome"),
            at(detail, event_id=cancelled.id, note="cancelled"),
            at(detail, event_id=moved.id, note="moved"),
            at(detail, event_id=awaiting.id, note="awaiting its outcome"),
            at(detail, event_id=upcoming.id, note="a demo event still to come"),
            at(detail, event_id=internal.id, note="internal"),
            at(detail, event_id=imported.id, note="imported"),
            at(detail, event_id=99999999, admin_status=404, note="no such event"),
        ],
        "accounts.reset_password": [
            at("accounts.reset_password", token=user_token(invited, RESET)),
            at("accounts.reset_password", token="forged", admin_status=400, note="forged link"),
        ],
        "accounts.accept_invitation": [
            at("accounts.accept_invitation", token=user_token(invited, INVITATION)),
            at(
                "accounts.accept_invitation",
                token=link_made_ago(app, invited, INVITATION, timedelta(days=8)),
                admin_status=410,
                note="expired link",
            ),
        ],
        "accounts.first_admin": [
            # refused once an admin exists; the signed-out sweep sees it as on a fresh install
            at("accounts.first_admin", token=first_admin_token(), admin_status=410)
        ],
        "indicators.index": [at("indicators.index", year="2024")],
        "indicators.detail": [
            at("indicators.detail", code=manual, year="2024", note="entered by hand"),
            at("indicators.detail", code=counted, year="2024", note="counted from events"),
        ],
        "reminders.index": [at("reminders.index"), at("reminders.index", status="pending")],
        "reminders.followup": [
            at("reminders.followup", token=followup_token(awaiting, "klubi@tartu.ee")),
            at("reminders.followup", token="forged", admin_status=403, note="forged link"),
        ],
        "reminders.opt_out": [at("reminders.opt_out", token=opt_out_token("klubi@tartu.ee"))],
        "plans.detail": [
            at("plans.detail", year=2024, note="the loaded plan"),
            at("plans.detail", year=2031, admin_status=404, note="no such plan"),
        ],
        "public.city": [
            at("public.city", slug="tartu", note="a partner city"),
            at("public.city", slug="elva", admin_status=404, note="a local government"),
        ],
        "registrations.register": [
            at("registrations.register", event_id=open_event_id, note="open, every question"),
            at("registrations.register", event_id=held.id, note="closed"),
        ],
        "registrations.participants": [
            at("registrations.participants", event_id=open_event_id, note="one registered")
        ],
        "registrations.checkin": [
            at("registrations.checkin", event_id=open_event_id, note="one to check in")
        ],
        "registrations.checkin_sheet": [
            at("registrations.checkin_sheet", event_id=open_event_id, note="one expected")
        ],
        "registrations.personal": [
            at("registrations.personal", token=registered, note="a confirmed registration")
        ],
        "registrations.write": [
            at("registrations.write", event_id=open_event_id, note="one to write to")
        ],
        "registrations.event_settings": [
            at("registrations.event_settings", event_id=open_event_id, note="as the series")
        ],
        "registrations.series_settings": [
            at("registrations.series_settings", series_id=demo.id, note="open, every question")
        ],
        "registrations.series_participants": [
            at("registrations.series_participants", series_id=demo.id, note="one registered")
        ],
        "subscriptions.confirm": [
            at("subscriptions.confirm", token=link_token(asked, "confirm"), note="to confirm"),
            at("subscriptions.confirm", token="forged", admin_status=410, note="forged link"),
        ],
        "subscriptions.manage": [
            at("subscriptions.manage", token=link_token(kept, "manage"), note="two cities")
        ],
        "subscriptions.unsubscribe": [
            at("subscriptions.unsubscribe", token=link_token(kept, "unsubscribe"), note="ask")
        ],
        "history.event": [at("history.event", event_id=moved.id, note="a moved occurrence")],
        "history.series": [at("history.series", series_id=held.series_id)],
        "history.indicator": [at("history.indicator", code=manual, note="values entered")],
        "series.edit": [
            at("series.edit", series_id=demo.id, note="a series around today"),
            at("series.edit", series_id=held.series_id, note="a plan series with outcomes"),
        ],
    }
    ids = {"held": held.id, "awaiting": awaiting.id, "upcoming": upcoming.id}
    return {"samples": samples, "ids": ids}


def missing_samples(app, samples: dict) -> list[str]:
    """Pages with path arguments that no sample fills."""
    return [r.endpoint for r in page_rules(app) if r.arguments and r.endpoint not in samples]


def _add_samples_for(endpoints: list[str]) -> str:
    return "".join(
        f"\nadd sample arguments for endpoint {endpoint} (`_pages` in {__file__})"
        for endpoint in endpoints
    )


def test_every_page_has_sample_arguments(app, world):
    missing = missing_samples(app, world["samples"])
    assert not missing, _add_samples_for(missing)
    endpoints = {rule.endpoint for rule in page_rules(app)}
    assert {"events.index", "events.detail", "accounts.login", "feeds.index"} <= endpoints
    assert not endpoints & {"feeds.public_all", "publicapi.robots", "operations.healthz"}


def test_a_page_added_later_is_swept_or_named(app, world):
    app.add_url_rule("/clubs/", "clubs.index", lambda: "")
    app.add_url_rule("/clubs/<slug>", "clubs.page", lambda slug: slug)
    app.add_url_rule("/clubs/<slug>.ics", "clubs.feed", lambda slug: slug)
    assert missing_samples(app, world["samples"]) == ["clubs.page"]
    samples = {**world["samples"], "clubs.page": [Sample("/clubs/tartu")]}
    paths = [sample.path for sample in _visits(app, samples)]
    assert "/clubs/" in paths and "/clubs/tartu" in paths and "/clubs/tartu.ics" not in paths


def _visits(app, samples: dict[str, list[Sample]]) -> list[Sample]:
    missing = missing_samples(app, samples)
    if missing:
        pytest.fail(_add_samples_for(missing))
    build = app.url_map.bind("localhost").build
    visits = []
    for rule in page_rules(app):
        visits.extend(samples.get(rule.endpoint) or [Sample(build(rule.endpoint))])
    return visits


def languages(app) -> tuple[str, ...]:
    """Every language the app offers: each is swept."""
    return tuple(app.config["LANGUAGES"])


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


# What the sweep reads of a page, in one script run: the document without what only names its
# own address (the language links, the sign-in link's ``next``), whether it has a <main>,
# how much wider than the phone it is, and whether axe-core is loaded in it yet.
_PROBE = f"""() => {{
    const copy = document.documentElement.cloneNode(true);
    for (const link of copy.querySelectorAll('.langs a')) link.removeAttribute('href');
    return {{
        document: copy.outerHTML.replace(/next=[^"&]*/g, 'next='),
        main: document.querySelector('main') !== null,
        overflow: {SIDEWAYS_OVERFLOW},
        axe: typeof window.axe === 'object',
    }};
}}"""


def _probe(page) -> dict:
    """The sign-in page a visitor is sent to from every protected page, or the same refusal
    at many addresses, is one document: axe-core and the width check read the document and
    the viewport only, so it is checked once per language (``document`` is its hash)."""
    page.wait_for_load_state("load")  # a form submitted by a click may still be loading
    probe = page.evaluate(_PROBE)
    probe["document"] = hashlib.sha256(probe["document"].encode()).hexdigest()
    return probe


class Sweep:
    """One browser context per language for one role; collects every problem it sees."""

    def __init__(self, browser, base: str, world: World, role: str | None) -> None:
        self.browser, self.base, self.world, self.role = browser, base, world, role
        self.problems: list[str] = []
        self.checked: set[tuple[str, str]] = set()
        self.documents: set[tuple[str, str]] = set()
        self.statuses: dict[tuple[str, str], int] = {}

    def context(self, lang: str):
        context = self.browser.new_context(
            viewport=PHONE,
            locale=LOCALES.get(lang, lang),
            timezone_id="Europe/Tallinn",
        )
        page = context.new_page()
        if self.role:
            page.goto(_with_lang(f"{self.base}/account/login", lang))
            page.fill("input[name=email]", PEOPLE[self.role][0])
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.click("main button[type=submit]")
            assert "/account/login" not in page.url, f"{self.role} could not sign in"
        return context, page

    def check(self, page, lang: str, what: str, probe: dict | None = None) -> None:
        """axe-core and the page's width, as the page is now (``probe``: read just now)."""
        key = (lang, page.url.split("#")[0])
        if key in self.checked:
            return
        self.checked.add(key)
        probe = probe or _probe(page)
        document = (lang, probe["document"])
        if document in self.documents:
            return
        self.documents.add(document)
        where = f"{self.role or 'signed out'}, {lang}: {what} ({page.url.replace(self.base, '')})"
        for violation in axe_violations(page, injected=probe["axe"]):
            self.problems.append(f"{where}: {violation}")
        if wider := probe["overflow"]:
            self.problems.append(f"{where}: {wider} px wider than the phone")

    def visit(self, page, lang: str, sample: Sample) -> int:
        response = page.goto(_with_lang(f"{self.base}{sample.path}", lang))
        status = response.status if response else 0
        self.statuses[(lang, sample.path)] = status
        probe = _probe(page)
        if status >= 500:
            self.problems.append(f"{self.role}, {lang}: {sample.path} answered {status}")
        elif not probe["main"]:  # the site's layout, or a framed page's own
            self.problems.append(f"{self.role}, {lang}: {sample.path} has no <main>")
        self.check(page, lang, sample.note or sample.path, probe)
        return status

    def report(self) -> str:
        return f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


def _submit_without_browser_checks(page, form_selector: str, button: str) -> None:
    """Submit as a browser without constraint validation would (the server must explain)."""
    page.locator(form_selector).evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.click(button)


def _sweep(app, world, live_server, browser, role, forms=None) -> Sweep:
    sweep = Sweep(browser, live_server, world, role)
    visits = _visits(app, world["samples"])
    for lang in languages(app):
        context, page = sweep.context(lang)
        try:
            for sample in visits:
                sweep.visit(page, lang, sample)
            if forms:
                forms(sweep, page, lang)
        finally:
            context.close()
    return sweep


def _flash_error_shown(sweep: Sweep, page, lang: str, what: str) -> None:
    if not page.locator(".flash.error, .error-message, [aria-invalid=true]").count():
        sweep.problems.append(f"{sweep.role}, {lang}: {what} showed no error")
    sweep.check(page, lang, what)


# --- signed out --------------------------------------------------------------------------


def _anonymous_forms(sweep: Sweep, page, lang: str) -> None:
    page.goto(_with_lang(f"{sweep.base}/account/login", lang))
    _submit_without_browser_checks(page, "main form", "main button[type=submit]")
    _flash_error_shown(sweep, page, lang, "sign-in, empty")
    page.fill("input[name=email]", "nobody@elvl.ee")
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    _flash_error_shown(sweep, page, lang, "sign-in, wrong password")
    page.goto(_with_lang(f"{sweep.base}/account/forgot", lang))
    _submit_without_browser_checks(page, "main form", "main button[type=submit]")
    _flash_error_shown(sweep, page, lang, "forgotten password, empty")
    followup = sweep.world["samples"]["reminders.followup"][0].path
    page.goto(_with_lang(f"{sweep.base}{followup}", lang))
    page.fill("#attendance", "-3")
    _submit_without_browser_checks(page, "form#outcome", "form#outcome button[type=submit]")
    _flash_error_shown(sweep, page, lang, "follow-up form, nothing chosen")
    page.goto(_with_lang(f"{sweep.base}/subscribe", lang))
    _submit_without_browser_checks(page, "form.subscription-form", "main button[type=submit]")
    _flash_error_shown(sweep, page, lang, "email alerts, no address and no consent")


def test_every_page_signed_out(app, world, live_server, browser):
    # as on a fresh install, no admin yet: the first-admin link shows its form
    db.session.scalar(select(User).where(User.role == Role.ADMIN)).role = Role.VIEWER
    db.session.commit()
    app.config["LOGIN_MAX_FAILURES"] = 4
    sweep = _sweep(app, world, live_server, browser, None, _anonymous_forms)
    # too many failed sign-ins: 429, in each language
    for lang in languages(app):
        context, page = sweep.context(lang)
        try:
            statuses = []
            for _attempt in range(5):
                page.goto(_with_lang(f"{live_server}/account/login", lang))
                page.fill("input[name=email]", "nobody@elvl.ee")
                page.fill("input[name=password]", "wrong-password")
                with page.expect_navigation() as navigation:
                    page.click("main button[type=submit]")
                statuses.append(navigation.value.status)
            assert statuses[-1] == 429, statuses
            sweep.check(page, lang, "too many sign-ins (429)")
        finally:
            context.close()
    shown = {path: status for (lang, path), status in sweep.statuses.items() if lang == "ru"}
    first_admin = world["samples"]["accounts.first_admin"][0].path
    assert shown[first_admin] == 200, "the first-admin form itself was checked"
    internal = next(s.path for s in world["samples"]["events.detail"] if s.note == "internal")
    assert shown[internal] == 404, "internal events are refused, and the refusal checked"
    assert not sweep.problems, sweep.report()


# --- signed in ---------------------------------------------------------------------------


def _detail(sweep: Sweep, page, lang: str, event: str) -> None:
    page.goto(_with_lang(f"{sweep.base}/events/{sweep.world['ids'][event]}", lang))


def _outcome_and_move_errors(sweep: Sweep, page, lang: str) -> None:
    """An impossible attendance and a move without a date, explained on the event's page."""
    _detail(sweep, page, lang, "awaiting")
    page.fill("#attendance", "-3")
    _submit_without_browser_checks(page, "form:has(#attendance)", "button[name=held]")
    _flash_error_shown(sweep, page, lang, "outcome form, negative attendance")
    if page.locator("#move-date").count():
        page.fill("#move-date", "")
        _submit_without_browser_checks(page, "form:has(#move-date)", "button[name=move]")
        _flash_error_shown(sweep, page, lang, "move form, no date")


def _account_errors(sweep: Sweep, page, lang: str) -> None:
    page.goto(_with_lang(f"{sweep.base}/account/", lang))
    page.fill("input[name=current]", "not-my-password")
    _submit_without_browser_checks(
        page, "form:has(input[name=current])", "form:has(input[name=current]) button"
    )
    _flash_error_shown(sweep, page, lang, "password change, wrong and empty")


def _admin_forms(sweep: Sweep, page, lang: str) -> None:
    page.goto(_with_lang(f"{sweep.base}/account/people", lang))
    _submit_without_browser_checks(page, "form:has(#email)", "form:has(#email) button")
    _flash_error_shown(sweep, page, lang, "invitation, empty")
    _outcome_and_move_errors(sweep, page, lang)
    _account_errors(sweep, page, lang)


def _coordinator_forms(sweep: Sweep, page, lang: str) -> None:
    _outcome_and_move_errors(sweep, page, lang)
    page.goto(_with_lang(f"{sweep.base}/calendars/", lang))
    page.fill("input[name=url]", "ftp://example.ee/calendar.ics")
    _submit_without_browser_checks(page, "main form[enctype]", "main form[enctype] button")
    _flash_error_shown(sweep, page, lang, "calendar import, a bad address")


def _organiser_forms(sweep: Sweep, page, lang: str) -> None:
    _outcome_and_move_errors(sweep, page, lang)
    _account_errors(sweep, page, lang)


def test_every_page_signed_in_as_admin(app, world, live_server, browser):
    sweep = _sweep(app, world, live_server, browser, "admin", _admin_forms)
    refused = {
        (lang, s.path): s.admin_status
        for s in _visits(app, world["samples"])
        for lang in languages(app)
    }
    for (lang, path), status in sweep.statuses.items():
        if (lang, path) in refused and refused[lang, path] != status:
            sweep.problems.append(
                f"admin, {lang}: {path} answered {status}, not {refused[lang, path]}"
            )
    assert not sweep.problems, sweep.report()


def test_every_page_signed_in_as_coordinator(app, world, live_server, browser):
    sweep = _sweep(app, world, live_server, browser, "coordinator", _coordinator_forms)
    assert sweep.statuses[("ru", "/calendars/")] == 200
    assert not sweep.problems, sweep.report()


def test_every_page_signed_in_as_organiser(app, world, live_server, browser):
    sweep = _sweep(app, world, live_server, browser, "organiser", _organiser_forms)
    assert sweep.statuses[("et", "/reminders/")] == 403, "refused, and checked as such"
    assert not sweep.problems, sweep.report()


# --- mixed-language content ----------------------------------------------------------------


@pytest.mark.parametrize("view", ["agenda", "week", "month"])
def test_names_shown_in_another_language_say_so(app, client, view):
    """A Russian page falls back to the Estonian title and name: they carry lang="et"."""
    from tests.factories import make_org

    torva = make_org("torva", name="Tõrva vald")
    series = make_series(
        "torva-concert", org=torva, rule=None, start=date(2024, 12, 10), title="Jõulukontsert"
    )
    expand(series)
    db.session.commit()
    page = client.get(f"/?view={view}&date=2024-12-10&lang=ru").get_data(as_text=True)
    title = re.search(r'<[^>]+lang="et"[^>]*>Jõulukontsert<', page)
    assert title, "the Estonian title is marked as Estonian"
    assert re.search(r'<[^>]+lang="et"[^>]*>Tõrva vald<', page) or view == "month"
    refresh()  # the app context outlives a request: let the next one choose its language
    estonian = client.get(f"/?view={view}&date=2024-12-10&lang=et").get_data(as_text=True)
    assert "Jõulukontsert" in estonian
    assert not re.search(r'lang="et"[^>]*>(Jõulukontsert|Tõrva vald)<', estonian), "nothing to mark"
