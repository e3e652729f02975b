"""Acceptance of issue 17, one journey in Chromium against a live server, mail caught by a real
SMTP server (aiosmtpd), on SQLite and PostgreSQL.

A training has two places and a waiting list, and asks for the local government. Olga, a
newcomer who reads Russian, registers on a 360 px phone and confirms from the mail; she is
reminded the day before, in Russian, and told when the coordinator moves the occurrence.
Jaan takes the last place; Mari and then Pille join the waiting list. Olga cancels with her
personal link: Mari gets the place and is told. The coordinator adds a place: Pille gets it.
On the day, the coordinator checks Jaan and Mari in by search and Pille by the QR code held
up to the phone's camera, and records the outcome from check-in: `training_participations`
rises by the two local governments present (Narva and Valga).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from registrations_support import link_in
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.core.time import utcnow, zone
from scheduler.events.models import Event, Series
from scheduler.events.service import move_occurrence
from scheduler.extensions import db
from scheduler.registrations.door_code import checkin_url, qr_png
from scheduler.registrations.models import Registration, RegistrationMode
from scheduler.registrations.notices import day_before
from scheduler.registrations.service import save_settings
from scheduler.reminders.dispatch import dispatch_due
from tests.registrations.test_registrations_door_browser import PHONE, fake_camera, qr_video
from tests.smtp_sink import SmtpSink
from tests.support.people import person, sign_in_page
from tests.support.time import tallinn
from tests.support.world import coordinator

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

COORDINATOR = coordinator("tartu")
OLGA, JAAN, MARI, PILLE = (f"{who}@example.ee" for who in ("olga", "jaan", "mari", "pille"))

#: the registration form and the personal page, as a reader of each language sees them
WORDS = {
    "ru": {
        "name": "Ваше имя",
        "email": "Эл. почта",
        "kov": "Ваше местное самоуправление",
        "consent": "Я согласен(на), что мои данные хранятся для этой регистрации",
        "register": "Зарегистрироваться",
        "confirm": "Подтвердить моё место",
        "cancel": "Отменить мою регистрацию",
    },
    "en": {
        "name": "Your name",
        "email": "Email",
        "kov": "Your local government",
        "consent": "I agree that my data is kept for this registration",
        "register": "Register",
        "confirm": "Confirm my place",
        "cancel": "Cancel my registration",
    },
}


@pytest.fixture
def site(app, plan_2024, training, smtp, live_server):
    """The plan (its indicators, the 79 local governments) and Tartu's training, 30 days
    ahead, two places and a waiting list; its coordinator; links in mail lead to the site."""
    app.config["BASE_URL"] = live_server
    save_settings(
        training,
        {"mode": RegistrationMode.OPEN, "capacity": 2, "waitlist": True, "ask_kov": True},
    )
    person(Role.COORDINATOR, "tartu", email=COORDINATOR)
    return live_server


# --- the mail -------------------------------------------------------------------------------


def dispatcher_tick(now=None) -> None:
    """One run of the dispatcher, as the scheduler runs it every few minutes."""
    db.session.remove()
    report = dispatch_due(now)
    assert report.failed == report.retrying == 0, report.errors


def subjects(smtp: SmtpSink, address: str) -> list[str]:
    return [str(m["Subject"]).strip() for m in received_by(smtp, address)]


def received_by(smtp: SmtpSink, address: str) -> list:
    return [r.message for r in smtp.received if address in r.recipients]


def the_mail(smtp: SmtpSink, address: str, subject: str):
    """The one message to ``address`` whose subject begins with ``subject``."""
    [found] = [
        m for m in received_by(smtp, address) if str(m["Subject"]).strip().startswith(subject)
    ]
    return found


# --- the registrants, each on a phone -------------------------------------------------------


def phone(browser, language: str):
    context = browser.new_context(viewport=PHONE, locale="ru-RU" if language == "ru" else "en-GB")
    return context.new_page()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def registers(page, site: str, event_id: int, name: str, email: str, kov: str, language: str):
    """The public form, filled in and sent without an account."""
    words = WORDS[language]
    page.goto(f"{site}/events/{event_id}/register?lang={language}")
    assert page.locator("html").get_attribute("lang") == language and fits_the_phone(page)
    page.get_by_label(words["name"], exact=True).fill(name)
    page.get_by_label(words["email"], exact=True).fill(email)
    page.get_by_label(words["kov"], exact=True).select_option(label=kov)
    page.get_by_label(words["consent"]).check()
    page.get_by_role("button", name=words["register"], exact=True).click()
    page.locator("#done").wait_for()


def confirms_from_the_mail(page, smtp: SmtpSink, site: str, email: str, language: str) -> str:
    """Follows the link in the confirmation mail and confirms; the state the page shows."""
    dispatcher_tick()
    page.goto(site + link_in(received_by(smtp, email)[-1]))  # the confirmation mail
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_role("button", name=WORDS[language]["confirm"]).click()
    dispatcher_tick()
    return page.locator("#state").get_attribute("data-state")


def comes_and_confirms(browser, smtp, site, event_id, name, email, kov) -> str:
    """Someone reading English registers on their phone and confirms; their state."""
    page = phone(browser, "en")
    try:
        registers(page, site, event_id, name, email, kov, "en")
        return confirms_from_the_mail(page, smtp, site, email, "en")
    finally:
        page.context.close()


# --- the coordinator ------------------------------------------------------------------------


def coordinator_moves_it_to_the_next_morning(event_id: int) -> None:
    event = db.session.get(Event, event_id)
    day = event.start.astimezone(zone()).date() + timedelta(days=1)
    move_occurrence(event, tallinn(day.year, day.month, day.day, 10))
    db.session.commit()


def coordinator_adds_a_place(series_id: int) -> None:
    save_settings(db.session.get(Series, series_id), {"capacity": 3})


def the_day_comes(event_id: int) -> int:
    """The occurrence began an hour ago (the clock cannot be moved for a live server, so the
    occurrence is); the local year it is counted in."""
    event = db.session.get(Event, event_id)
    event.start, event.end = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.commit()
    return event.start.astimezone(zone()).year


def checks_in_by_search(page, name: str) -> None:
    search = page.locator("form.checkin-search")
    search.get_by_label("Search by name").fill(name.split()[-1])
    with page.expect_navigation():
        search.get_by_role("button", name="Search").click()
    row = page.locator("li", has_text=name)
    row.get_by_role("button", name="Present").click()
    row.locator(".present").wait_for()


def checks_in_by_the_camera(page, name: str) -> None:
    page.get_by_role("button", name="Start the camera").click()
    page.locator("#door-status").filter(has_text=f"{name} is present.").wait_for(timeout=30_000)
    page.get_by_role("button", name="Stop the camera").click()


def the_qr_code_held_up(mail, email: str, event_id: int, tmp_path):
    """What the camera sees: a video of the check-in QR code that came in ``mail`` (the
    picture in the mail is the code of that registration, and the video shows the same code)."""
    db.session.remove()
    row = db.session.scalar(select(Registration).where(Registration.email == email))
    code = checkin_url(event_id, row.id, row.token_hash)
    [picture] = [p.get_content() for p in mail.walk() if p.get_content_type() == "image/png"]
    assert picture == qr_png(code)
    return qr_video(tmp_path / "qr.y4m", code)


def participations(client, year: int) -> int:
    figures = client.get(f"/api/indicators?year={year}").get_json()
    return next(row for row in figures if row["code"] == "training_participations")["actual"]


# --- the journey ----------------------------------------------------------------------------


def test_a_training_from_registration_to_the_indicator(
    site, smtp, browser, client, training, event, tmp_path
):
    event_id, series_id = event.id, training.id

    # Olga registers in Russian on her phone and confirms from the mail
    olga = phone(browser, "ru")
    registers(olga, site, event_id, "Ольга Иванова", OLGA, "Narva linn", "ru")
    assert subjects(smtp, OLGA) == []  # nothing is sent before the dispatcher runs
    assert confirms_from_the_mail(olga, smtp, site, OLGA, "ru") == "confirmed"
    assert subjects(smtp, OLGA)[0].startswith("Подтвердите регистрацию: Тренинг")
    assert subjects(smtp, OLGA)[1].startswith("У вас есть место: Тренинг")

    # the day before, she is reminded, in Russian
    dispatcher_tick(day_before(db.session.get(Event, event_id)))
    reminder = the_mail(smtp, OLGA, "Завтра: Тренинг")
    assert reminder["Content-Language"] == "ru"

    # the coordinator moves the occurrence: she is told at the next tick
    coordinator_moves_it_to_the_next_morning(event_id)
    dispatcher_tick()
    moved = the_mail(smtp, OLGA, "Перенесено: Тренинг")
    assert "10:00" in str(moved["Subject"])

    # Jaan takes the last place; Mari and Pille join the waiting list, in that order
    assert comes_and_confirms(browser, smtp, site, event_id, "Jaan Tamm", JAAN, "Narva linn") == (
        "confirmed"
    )
    for name, email in (("Mari Maasikas", MARI), ("Pille Kask", PILLE)):
        state = comes_and_confirms(browser, smtp, site, event_id, name, email, "Valga vald")
        assert state == "waitlisted"
        the_mail(smtp, email, "You are on the waiting list: Training")

    # Olga cancels with her personal link: Mari, first waiting, gets the place and is told
    olga.goto(site + link_in(received_by(smtp, OLGA)[0]))
    olga.get_by_role("button", name=WORDS["ru"]["cancel"]).click()
    olga.locator("#done").wait_for()  # the link is spent: the registration is gone
    olga.context.close()
    dispatcher_tick()
    the_mail(smtp, OLGA, "Регистрация отменена: Тренинг")
    the_mail(smtp, MARI, "A place became free for you: Training")
    assert [s for s in subjects(smtp, PILLE) if s.startswith("A place")] == []

    # the coordinator adds a place: Pille gets it and is told
    coordinator_adds_a_place(series_id)
    dispatcher_tick()
    promoted = the_mail(smtp, PILLE, "A place became free for you: Training")

    # on the day, at the door: two found by name, one by the QR code from her mail
    year = the_day_comes(event_id)
    before = participations(client, year)
    with fake_camera(browser, the_qr_code_held_up(promoted, PILLE, event_id, tmp_path)) as camera:
        context = camera.new_context(viewport=PHONE, locale="en-GB")
        context.grant_permissions(["camera"], origin=site)
        door = context.new_page()
        sign_in_page(door, site, COORDINATOR)
        door.goto(f"{site}/events/{event_id}/checkin?lang=en")
        checks_in_by_search(door, "Jaan Tamm")
        checks_in_by_search(door, "Mari Maasikas")
        checks_in_by_the_camera(door, "Pille Kask")

        # the outcome starts from check-in: three present, from Narva and Valga
        door.goto(f"{site}/events/{event_id}/checkin?lang=en")
        assert door.locator("#present-count").inner_text() == "Present: 3."
        assert door.get_by_label("How many came?").input_value() == "3"
        kovs = door.get_by_label("Which local governments took part?")
        chosen = kovs.evaluate("select => [...select.selectedOptions].map(o => o.text)")
        assert sorted(chosen) == ["Narva linn", "Valga vald"]
        with door.expect_navigation():
            door.get_by_role("button", name="Record as held").click()
        assert door.url.split("?")[0] == f"{site}/events/{event_id}"  # the event page

    db.session.remove()
    held = db.session.get(Event, event_id)
    assert (str(held.status), held.attendance) == ("held", 3)
    assert participations(client, year) == before + 2
