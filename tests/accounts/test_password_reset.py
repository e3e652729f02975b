"""Forgot password: the same answer for every email, a link valid one hour and once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.accounts.links import RESET
from scheduler.reminders.dispatch import dispatch_due
from tests.accounts.conftest import PASSWORD, fresh, is_signed_in, sign_in
from tests.accounts.support import captured_mail, link_in, link_made_ago, path_of

NEW_PASSWORD = "another long password"


def _request(client, email: str, address: str = "192.0.2.1"):
    fresh()
    return client.post(
        "/account/forgot?lang=en", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def _ask(client, email: str):
    """Ask for a reset, read the answer, and let the reminder dispatcher send what is due."""
    response = _request(client, email)
    fresh()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    dispatch_due()
    return response.status_code, response.headers["Location"], page


def test_the_answer_is_the_same_whether_or_not_the_email_exists(app, admin):
    known = _ask(app.test_client(), "adviser@elvl.ee")
    unknown = _ask(app.test_client(), "nobody@elvl.ee")
    assert known == unknown
    assert "If this email belongs to an account" in known[2]
    (mail,) = captured_mail(app)  # only the real account got a message
    assert mail["To"] == "adviser@elvl.ee"


def test_the_sign_in_page_links_to_forgot_password(app, client):
    fresh()
    assert "/account/forgot" in client.get("/account/login").get_data(as_text=True)


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, admin):
    laptop = app.test_client()
    sign_in(laptop)
    _ask(app.test_client(), "adviser@elvl.ee")
    path = path_of(link_in(captured_mail(app)[0]))

    phone = app.test_client()
    fresh()
    response = phone.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert sign_in(app.test_client(), password=PASSWORD).status_code == 401
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    fresh()
    assert app.test_client().get(path).status_code == 410


def test_different_passwords_are_refused_on_the_page(app, admin):
    _ask(app.test_client(), "adviser@elvl.ee")
    path = path_of(link_in(captured_mail(app)[0]))
    fresh()
    response = app.test_client().post(
        path + "?lang=en", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 400
    assert "The passwords differ." in response.get_data(as_text=True)


@pytest.mark.parametrize(("minutes", "status"), [(59, 200), (61, 410)])
def test_a_reset_link_works_for_one_hour(app, admin, minutes, status):
    token = link_made_ago(app, admin, RESET, timedelta(minutes=minutes))
    fresh()
    assert app.test_client().get(f"/account/reset/{token}").status_code == status


def test_no_reset_mail_for_a_deactivated_person(app, admin):
    from scheduler.accounts.services import deactivate

    deactivate(admin)
    _ask(app.test_client(), "adviser@elvl.ee")
    assert captured_mail(app) == []


# --- mail through the outbox, and the rate limit (issue 15, #8 and #9) ---------------------


@pytest.fixture
def sink(app):
    from scheduler.extensions import mail
    from tests.smtp_sink import SmtpSink

    server = SmtpSink().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)
    yield server
    server.stop()


def _queued() -> list:
    from sqlalchemy import select

    from scheduler.extensions import db
    from scheduler.mail.models import Reminder

    db.session.rollback()
    return list(db.session.scalars(select(Reminder)))


def test_the_request_sends_nothing_itself_and_the_dispatcher_sends_the_queued_mail(
    app, admin, sink
):
    known = _request(app.test_client(), "adviser@elvl.ee", "192.0.2.1")
    unknown = _request(app.test_client(), "nobody@elvl.ee", "192.0.2.2")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert sink.received == []  # no SMTP inside either request
    (row,) = _queued()  # one outbox row, for the real account only
    assert (row.kind, row.recipient, row.status) == ("password_reset", "adviser@elvl.ee", "pending")
    assert row.event_id is None

    report = dispatch_due()
    assert report.sent == 1
    (received,) = sink.received
    assert received.recipients == ["adviser@elvl.ee"]
    assert received.message_id == row.message_id
    path = path_of(link_in(received.message))
    fresh()
    assert app.test_client().get(path).status_code == 200  # the link works once it arrives
    assert _queued()[0].status == "sent"


def test_a_reset_is_sent_even_to_someone_who_opted_out_of_reminders(app, admin, sink):
    from scheduler.extensions import db
    from scheduler.reminders.models import ReminderOptOut

    db.session.add(ReminderOptOut(email="adviser@elvl.ee"))
    db.session.commit()
    _request(app.test_client(), "adviser@elvl.ee")
    assert dispatch_due().sent == 1 and len(sink.received) == 1


@pytest.mark.parametrize("email", ["adviser@elvl.ee", "nobody@elvl.ee"])
def test_a_fourth_request_for_one_email_within_the_hour_is_a_429_known_or_not(app, admin, email):
    client = app.test_client()
    for number in range(3):
        assert _request(client, email, f"192.0.2.{number}").status_code == 302
    refused = _request(client, email, "192.0.2.99")
    assert refused.status_code == 429
    assert "Too many requests to send mail." in refused.get_data(as_text=True)
    assert 59 * 60 < int(refused.headers["Retry-After"]) <= 60 * 60
    dispatch_due()
    assert len(captured_mail(app)) == (3 if email == "adviser@elvl.ee" else 0)


def test_one_address_may_ask_for_ten_resets_an_hour_whatever_the_emails(app, admin):
    client = app.test_client()
    for number in range(10):
        assert _request(client, f"guess{number}@elvl.ee", "192.0.2.1").status_code == 302
    assert _request(client, "adviser@elvl.ee", "192.0.2.1").status_code == 429
    assert _request(client, "adviser@elvl.ee", "192.0.2.2").status_code == 302


def test_the_limits_come_from_the_settings(app, admin):
    app.config.update(PASSWORD_RESET_MAX_PER_ACCOUNT=1, MAIL_REQUEST_WINDOW_MINUTES=5)
    client = app.test_client()
    assert _request(client, "adviser@elvl.ee", "192.0.2.1").status_code == 302
    refused = _request(client, "adviser@elvl.ee", "192.0.2.2")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 5 * 60
