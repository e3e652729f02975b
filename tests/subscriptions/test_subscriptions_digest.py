"""The weekly digest: new and changed coming public events that match, each with its page and
.ics links, in the mail language; `flask subscribers digest` sends what the weekly job would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from subscriptions_support import confirm, mails_to, monday_morning, text_of, tick

from scheduler.events.models import Event, Series
from scheduler.events.service import move_occurrence
from scheduler.extensions import db
from scheduler.jobs.clock import run_job

pytestmark = pytest.mark.postgres


def _events(series) -> list[Event]:
    return db.session.scalars(
        db.select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()


def test_the_first_digest_lists_every_matching_coming_event_in_the_mail_language(
    client, smtp, runner, upcoming
):
    confirm(client, smtp, cities="tartu", languages="en", mail_language="ru")
    monday = monday_morning().isoformat()
    result = runner.invoke(args=["subscribers", "digest", "--now", monday])
    assert result.exit_code == 0, result.output
    assert "planned 1 subscriber digest(s)" in result.output
    (mail,) = mails_to(smtp)
    text = text_of(mail)
    assert mail.message["Content-Language"] == "ru"
    assert "новых или изменённых" in mail.message["Subject"]
    assert "Разговорный клуб" in text  # Tartu's club is held in Russian and English
    assert "Infopäev" not in text  # held in Estonian only
    assert "Pärnu klubi" not in text  # another city
    first = _events(upcoming["club"])[0]
    assert f"/events/{first.id}?lang=ru" in text and f"/events/{first.id}.ics?lang=ru" in text
    assert mail.message["List-Unsubscribe"].startswith("<http")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    again = runner.invoke(args=["subscribers", "digest", "--now", monday])
    assert "planned 0 subscriber digest(s)" in again.output
    assert len(mails_to(smtp)) == 1


def test_a_later_digest_lists_only_what_changed_since(client, smtp, runner, upcoming):
    before = monday_morning() - timedelta(days=1)  # the events as they were a week ago
    db.session.execute(update(Event).values(created_at=before, updated_at=before))
    db.session.execute(update(Series).values(updated_at=before))
    db.session.commit()
    confirm(client, smtp, cities="tartu")
    runner.invoke(args=["subscribers", "digest", "--now", monday_morning().isoformat()])
    assert len(mails_to(smtp)) == 1
    smtp.received.clear()
    moved = _events(upcoming["club"])[3]
    later = moved.start + timedelta(hours=1)
    move_occurrence(moved, later)
    db.session.commit()
    next_week = monday_morning(weeks_later=1).isoformat()
    result = runner.invoke(args=["subscribers", "digest", "--now", next_week])
    assert "planned 1 subscriber digest(s)" in result.output, result.output
    (mail,) = mails_to(smtp)
    text = text_of(mail)
    assert f"/events/{moved.id}?" in text
    assert text.count("/events/") == 2  # its page and its .ics, nothing else


def test_the_clock_has_the_weekly_job(app, client, smtp, upcoming):
    confirm(client, smtp, cities="tartu")
    assert "planned 1 subscriber digest(s)" in run_job(app, "subscriber_digest", monday_morning())
    assert len(mails_to(smtp)) == 1


def test_the_digest_is_made_on_monday_only(client, smtp, runner, upcoming):
    confirm(client, smtp, cities="tartu")
    wednesday = (monday_morning() + timedelta(days=2)).isoformat()
    result = runner.invoke(args=["subscribers", "digest", "--now", wednesday])
    assert "planned 0 subscriber digest(s)" in result.output
    assert mails_to(smtp) == []


def test_an_online_choice_gets_no_city_events(client, smtp, runner, upcoming):
    confirm(client, smtp, cities="online")  # none of these events is online
    result = runner.invoke(args=["subscribers", "digest", "--now", monday_morning().isoformat()])
    assert "planned 0 subscriber digest(s)" in result.output


def test_no_digest_goes_to_an_unconfirmed_address(client, smtp, runner, upcoming):
    from subscriptions_support import subscribe

    subscribe(client, cities="tartu")
    tick()
    result = runner.invoke(args=["subscribers", "digest", "--now", monday_morning().isoformat()])
    assert "planned 0 subscriber digest(s)" in result.output
    assert len(mails_to(smtp)) == 1  # the confirmation, nothing else
