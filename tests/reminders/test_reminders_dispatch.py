"""Dispatch against a real SMTP server on loopback: once each, retried, failed visibly."""

from __future__ import annotations

import json
from datetime import timedelta
from email import message_from_bytes

from factories import make_org, make_series
from flask import g
from reminders_support import make_event, use_smtp
from smtp_sink import SmtpSink, free_port
from sqlalchemy import select

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.reminders.dispatch import dispatch_due
from scheduler.reminders.optouts import set_opt_out
from tests.support.time import tallinn


def rows(**where) -> list[Reminder]:
    db.session.expire_all()
    stmt = select(Reminder).filter_by(**where).order_by(Reminder.id)
    return list(db.session.scalars(stmt))


def test_each_due_reminder_goes_once_to_its_one_recipient_with_calendar_file(smtp_app, smtp):
    series = make_series(organisers=["a@x.ee", "b@x.ee"], title="Klubi", location="Raekoda")
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    assert dispatch_due(tallinn(2024, 3, 5, 9)).sent == 2
    assert dispatch_due(tallinn(2024, 3, 5, 10)).sent == 0
    assert sorted(r.recipients for r in smtp.received) == [["a@x.ee"], ["b@x.ee"]]
    sent = {r.recipient: r for r in rows(kind="before", slot="7d")}
    for received in smtp.received:
        message = received.message
        (recipient,) = received.recipients
        assert message["To"] == recipient  # never BCC, one message per person
        assert message["Message-ID"] == sent[recipient].message_id
        assert message.get_all("Message-ID") == [sent[recipient].message_id]
        parts = {part.get_content_type(): part for part in message.walk()}
        assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
        ics = parts["text/calendar"].get_payload(decode=True).decode()
        assert "SUMMARY:Klubi" in ics and "DTSTART;TZID=Europe/Tallinn:20240312T180000" in ics
        assert "Raekoda" in parts["text/plain"].get_payload(decode=True).decode()
    assert all(r.status == "sent" and r.attempts == 1 for r in sent.values())


def test_mail_is_written_in_the_organisers_language(smtp_app, smtp):
    db.session.add(User(email="vene@x.ee", locale="ru", role=Role.ORGANISER))
    series = make_series(organisers=["vene@x.ee", "eesti@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))  # a Tuesday
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 5, 9))
    bodies = {
        r.recipients[0]: (
            r.message["Content-Language"],
            r.message.get_body(("plain",)).get_content(),
        )
        for r in smtp.received
    }
    assert bodies["vene@x.ee"][0] == "ru" and "вторник" in bodies["vene@x.ee"][1]
    assert bodies["eesti@x.ee"][0] == "et" and "teisipäev" in bodies["eesti@x.ee"][1]


def test_opted_out_organisers_get_nothing(smtp_app, smtp):
    series = make_series(organisers=["quiet@x.ee", "loud@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))
    set_opt_out("quiet@x.ee", True)
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 5, 9))
    assert [r.recipients for r in smtp.received] == [["loud@x.ee"]]
    (skipped,) = rows(recipient="quiet@x.ee", slot="7d")
    assert (skipped.status, skipped.last_error) == ("skipped", "recipient opted out")


def test_smtp_down_then_4xx_then_up_delivers_everything_once(app):
    port = free_port()  # nothing listens there yet
    use_smtp(app, port)
    series = make_series(organisers=["a@x.ee", "b@x.ee", "c@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    message_ids = {r.recipient: r.message_id for r in rows(slot="7d")}

    down = dispatch_due(tallinn(2024, 3, 5, 9))
    assert (down.sent, down.retrying) == (0, 3)
    assert {(r.status, r.attempts) for r in rows(slot="7d")} == {("pending", 1)}
    assert all("unavailable" in r.last_error for r in rows(slot="7d"))

    sink = SmtpSink(port).start()
    try:
        sink.handler.tempfail = True
        assert (
            dispatch_due(tallinn(2024, 3, 5, 9, 0) + timedelta(seconds=30)).sent == 0
        )  # backing off
        busy = dispatch_due(tallinn(2024, 3, 5, 9, 1))
        assert (busy.sent, busy.retrying) == (0, 3)
        assert {(r.status, r.attempts) for r in rows(slot="7d")} == {("pending", 2)}
        assert all("451" in r.last_error for r in rows(slot="7d"))

        sink.handler.tempfail = False
        up = dispatch_due(tallinn(2024, 3, 5, 9, 5))
        assert up.sent == 3
        assert dispatch_due(tallinn(2024, 3, 5, 10)).sent == 0
    finally:
        sink.stop()
    assert sorted(sink.message_ids()) == sorted(message_ids.values())
    assert {(r.status, r.attempts, r.last_error) for r in rows(slot="7d")} == {("sent", 3, None)}


def test_a_permanently_refused_recipient_ends_failed_and_is_shown(smtp_app, smtp, client, runner):
    smtp.handler.refuse = {"gone@x.ee"}
    org = make_org("tartu")
    series = make_series(org=org, organisers=["gone@x.ee", "here@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))
    coordinator = User(email="coord@tartu.ee", role=Role.COORDINATOR, organisation=org)
    db.session.add(coordinator)
    db.session.commit()

    report = dispatch_due(tallinn(2024, 3, 5, 9))
    assert (report.sent, report.failed) == (1, 1)
    (failed,) = rows(status="failed")
    assert (failed.recipient, failed.attempts) == ("gone@x.ee", 1)
    assert "550" in failed.last_error

    result = runner.invoke(args=["reminders", "list", "--status", "failed", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [(r["recipient"], r["status"], r["kind"]) for r in listed] == [
        ("gone@x.ee", "failed", "before")
    ]
    assert {"id", "event_id", "due", "attempts", "message_id"} <= set(listed[0])

    with client.session_transaction() as session:
        session["_user_id"] = coordinator.get_id()
        session["_fresh"] = True
    page = client.get("/reminders/?status=failed")
    assert page.status_code == 200
    assert b"gone@x.ee" in page.data and b"550" in page.data


def test_the_outbox_page_is_for_coordinators_only(app, client):
    viewer = User(email="v@x.ee", role=Role.VIEWER)
    db.session.add(viewer)
    db.session.commit()
    assert client.get("/reminders/").status_code in (302, 401)
    g.pop("_login_user", None)  # the test's app context outlives the request: forget its user
    with client.session_transaction() as session:
        session["_user_id"] = viewer.get_id()
    assert client.get("/reminders/").status_code == 403


def test_a_missed_period_is_caught_up_without_late_reminders(smtp_app, smtp):
    series = make_series(organisers=["a@x.ee"])
    early = make_event(series, tallinn(2024, 3, 6, 18))
    later = make_event(series, tallinn(2024, 3, 14, 18))
    db.session.commit()
    # the worker was down from 1 to 8 March
    report = dispatch_due(tallinn(2024, 3, 8, 12))
    sent = {(r.event_id, r.kind, r.slot) for r in rows(status="sent")}
    assert sent == {(early.id, "followup", "after"), (later.id, "before", "7d")}
    skipped = {(r.event_id, r.slot): r.last_error for r in rows(status="skipped")}
    assert skipped == {
        (early.id, "7d"): "event already started",
        (early.id, "1d"): "event already started",
    }
    assert report.sent == len(smtp.received) == 2


def test_without_a_mail_server_mail_is_kept_as_eml_files(app):
    import pathlib

    series = make_series(organisers=["a@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 5, 9))
    (row,) = rows(status="sent")
    files = list(pathlib.Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes())["Message-ID"] == row.message_id
