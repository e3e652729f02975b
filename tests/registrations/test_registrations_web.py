"""The public form and the personal link, without JavaScript: register, confirm from the
mail, cancel; the waiting list's first person is promoted and told."""

from __future__ import annotations

import pytest
from registrations_support import link_in, mails_to, sign_up
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.registrations.models import Registration, RegistrationState
from scheduler.registrations.service import confirm, open_series
from scheduler.reminders.dispatch import dispatch_due

pytestmark = pytest.mark.postgres

FORM = {"name": "Olga Ivanova", "email": "olga@example.ee", "consent": "y"}


def registration_of(email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.email == email))


def test_a_closed_occurrence_shows_no_form(client, event):
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Registration is closed." in page and "<form" not in page.split("</header>")[-1]


def test_the_form_states_purpose_audience_erasure_and_asks_consent(client, training, event):
    open_series(training, capacity=5, waitlist=False)
    page = client.get(f"/events/{event.id}/register?lang=en").get_data(as_text=True)
    assert "5 places left" in page
    assert "only for this event" in page and "Only the organisers from Tartu" in page
    assert "erased 90 days after the event" in page
    assert 'name="consent"' in page and 'name="website"' in page


def test_register_in_russian_confirm_from_the_mail_and_hold_a_place(app, client, training, event):
    open_series(training, capacity=1, waitlist=False)
    event_id = event.id
    answer = client.post(f"/events/{event_id}/register?lang=ru", data=FORM)
    assert answer.status_code == 200 and "olga@example.ee" in answer.get_data(as_text=True)
    db.session.remove()
    assert dispatch_due().sent == 1
    [mail] = mails_to(app, "olga@example.ee")
    assert mail["Content-Language"] == "ru" and "Тренинг" in mail["Subject"]
    attachments = [part.get_content_type() for part in mail.iter_attachments()]
    assert "text/calendar" in attachments
    link = link_in(mail)
    assert registration_of("olga@example.ee").state == RegistrationState.PENDING

    client.post(link, data={"action": "confirm"})
    assert registration_of("olga@example.ee").state == RegistrationState.CONFIRMED
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert 'data-state="full"' in page and "Все места заняты." in page
    assert "Olga" not in page and "olga@example.ee" not in page


def test_missing_consent_or_bad_email_is_a_clear_message(client, training, event):
    open_series(training, capacity=1, waitlist=False)
    answer = client.post(f"/events/{event.id}/register", data={**FORM, "consent": ""})
    assert answer.status_code == 400 and "Registration needs your consent." in answer.text
    answer = client.post(f"/events/{event.id}/register", data={**FORM, "email": "not-an-email"})
    assert answer.status_code == 400 and "Enter a valid email address." in answer.text
    assert db.session.query(Registration).count() == 0


def test_the_honeypot_registers_no_one_but_says_it_worked(client, training, event):
    open_series(training, capacity=1, waitlist=False)
    answer = client.post(f"/events/{event.id}/register", data={**FORM, "website": "spam"})
    assert answer.status_code == 200 and "Check your email" in answer.text
    assert db.session.query(Registration).count() == 0


def test_too_many_registrations_from_one_address_are_refused(app, client, training, event):
    open_series(training, capacity=100, waitlist=False)
    app.config["REGISTRATION_MAX_PER_ADDRESS"] = 2
    for n in range(2):
        data = {**FORM, "email": f"person{n}@example.ee"}
        assert client.post(f"/events/{event.id}/register", data=data).status_code == 200
    answer = client.post(f"/events/{event.id}/register", data=FORM)
    assert answer.status_code == 429


def test_cancelling_promotes_the_first_waiting_who_is_told(app, client, training, event):
    open_series(training, capacity=1, waitlist=True)
    first, second = sign_up(event, "mari"), sign_up(event, "jaan")
    confirm(first.id)
    confirm(second.id)
    db.session.remove()
    dispatch_due()
    link = link_in(mails_to(app, "mari@example.ee")[-1])
    assert "You have a place." in client.get(link).text
    client.post(link, data={"action": "cancel"})
    db.session.remove()
    assert registration_of("jaan@example.ee").state == RegistrationState.CONFIRMED
    dispatch_due()
    assert "A place became free" in mails_to(app, "jaan@example.ee")[-1]["Subject"]
    assert client.get(link).status_code == 410, "a cancelled registration's link is dead"


@pytest.mark.parametrize(
    "action, says",
    [
        ("cancel", "Your registration is cancelled.</p>"),
        ("erase", "Your registration is cancelled and your data erased.</p>"),
    ],
)
def test_the_personal_link_says_whether_the_data_was_erased_or_only_the_place_freed(
    app, client, training, event, action, says
):
    open_series(training, capacity=1, waitlist=False)
    confirm(sign_up(event, "mari").id)
    db.session.remove()
    dispatch_due()
    link = link_in(mails_to(app, "mari@example.ee")[-1])
    answer = client.post(link, data={"action": action})
    assert says in answer.text
    kept = registration_of("mari@example.ee")  # an erased row no longer has the address
    assert (kept is not None and kept.erased_at is None) == (action == "cancel")


def test_a_forged_personal_link_is_not_found(client):
    assert client.get("/registration/forged").status_code == 404
