"""Immediate notices: a matching public event of the next 7 days that is cancelled or moved is
mailed to each confirmed "immediate" subscriber within one dispatcher tick, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from subscriptions_support import confirm, mails_to, text_of, tick

from scheduler.events.models import Event
from scheduler.events.service import cancel_occurrence, move_occurrence
from scheduler.extensions import db
from scheduler.mail.models import Reminder, ReminderKind
from scheduler.subscriptions.notices import notify

pytestmark = pytest.mark.postgres


def _club(upcoming, index: int) -> Event:
    series = upcoming["club"]
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()[index]


def test_a_cancellation_is_mailed_within_one_tick_exactly_once(client, smtp, upcoming):
    confirm(client, smtp, "quick@example.ee", cities="tartu", frequency="immediate")
    confirm(client, smtp, "weekly@example.ee", cities="tartu", frequency="weekly")
    confirm(client, smtp, "elsewhere@example.ee", cities="parnu", frequency="immediate")
    tomorrow = _club(upcoming, 0)
    cancel_occurrence(tomorrow, reason="Haigus")
    db.session.commit()
    tick()
    (notice,) = mails_to(smtp, "quick@example.ee")
    assert notice.message["Subject"].startswith("Cancelled: Conversation club")
    assert f"/events/{tomorrow.id}" in text_of(notice)
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mails_to(smtp, "weekly@example.ee") == mails_to(smtp, "elsewhere@example.ee") == []
    notify(tomorrow, "cancelled", [tomorrow.start])  # the same change announced again
    db.session.commit()
    tick()
    assert len(mails_to(smtp, "quick@example.ee")) == 1


def test_a_move_is_mailed_with_the_old_time(client, smtp, upcoming):
    confirm(client, smtp, cities="tartu", frequency="immediate")
    tomorrow = _club(upcoming, 0)
    move_occurrence(tomorrow, tomorrow.start + timedelta(hours=2))
    db.session.commit()
    tick()
    (notice,) = mails_to(smtp)
    assert notice.message["Subject"].startswith("Changed: Conversation club is now on")
    assert "(was " in text_of(notice)


def test_nothing_is_sent_for_an_event_beyond_seven_days(client, smtp, upcoming):
    confirm(client, smtp, cities="tartu", frequency="immediate")
    cancel_occurrence(_club(upcoming, 2), reason="Puhkus")  # in 15 days
    db.session.commit()
    kind = Reminder.kind == ReminderKind.SUBSCRIPTION
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(kind)) == 1
    tick()
    assert mails_to(smtp) == []


def test_a_coordinator_sees_no_subscriber_address_in_the_outbox(app, client, smtp, upcoming):
    from scheduler.accounts.models import Role
    from tests.support.people import signed_in_as

    confirm(client, smtp, cities="tartu", frequency="immediate")
    cancel_occurrence(_club(upcoming, 0), reason="Haigus")
    db.session.commit()
    tick()
    assert mails_to(smtp)
    coordinator = app.test_client()
    signed_in_as(coordinator, Role.COORDINATOR, "tartu")
    page = coordinator.get("/reminders/?status=sent").get_data(as_text=True)
    assert "organiser@example.ee" in page  # the organisers' cancellation notices are shown
    assert "newcomer@example.ee" not in page
