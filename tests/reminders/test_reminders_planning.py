"""The outbox follows occurrence changes, in the same transaction as the change."""

from __future__ import annotations

from factories import make_series
from reminders_support import make_event
from sqlalchemy import select

from scheduler.events.service import cancel_occurrence, move_occurrence, restore_occurrence
from scheduler.extensions import db
from scheduler.mail.models import Reminder
from scheduler.reminders.dispatch import dispatch_due
from scheduler.reminders.planning import planning_as_of
from tests.support.time import tallinn


def outbox(event=None) -> list[tuple[str, str, str, str]]:
    stmt = select(Reminder).order_by(Reminder.recipient, Reminder.due, Reminder.id)
    if event is not None:
        stmt = stmt.where(Reminder.event_id == event.id)
    return [
        (
            r.kind,
            r.slot,
            r.status,
            r.due.astimezone(tallinn(2024, 1, 1).tzinfo).strftime("%m-%d %H:%M"),
        )
        for r in db.session.scalars(stmt)
    ]


def test_a_new_occurrence_owes_each_organiser_two_reminders_and_a_follow_up(app):
    series = make_series(organisers=["leader@club.ee", "Librarian@lib.ee"])
    event = make_event(series, tallinn(2024, 3, 5, 18))
    db.session.commit()
    rows = db.session.scalars(select(Reminder).order_by(Reminder.id)).all()
    assert {(r.recipient, r.kind, r.slot) for r in rows} == {
        (who, kind, slot)
        for who in ("leader@club.ee", "librarian@lib.ee")
        for kind, slot in (("before", "7d"), ("before", "1d"), ("followup", "after"))
    }
    assert len({r.message_id for r in rows}) == 6
    assert all(r.event_id == event.id and r.status == "pending" for r in rows)


def test_reminders_are_written_with_the_change_or_not_at_all(app):
    series = make_series()
    db.session.commit()
    make_event(series, tallinn(2024, 3, 5, 18))
    db.session.rollback()
    assert db.session.scalars(select(Reminder)).all() == []


def test_expansion_plans_reminders_for_every_new_occurrence(app):
    from factories import expand

    series = make_series(rule="FREQ=WEEKLY;BYDAY=TU;COUNT=4")
    report = expand(series)
    db.session.commit()
    assert report.created == 4
    assert db.session.query(Reminder).count() == 4 * 3


def test_moving_retimes_pending_reminders_and_sends_an_update_where_one_went_out(app):
    series = make_series()
    event = make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 5, 9))  # the 7-day reminder goes out
    with planning_as_of(tallinn(2024, 3, 6, 10)):
        move_occurrence(event, tallinn(2024, 3, 14, 17))
    db.session.commit()
    assert outbox(event) == [
        ("before", "7d", "sent", "03-05 09:00"),
        ("updated", "seq1", "pending", "03-06 10:00"),
        ("before", "1d", "pending", "03-13 09:00"),
        ("followup", "after", "pending", "03-14 20:30"),
    ]
    report = dispatch_due(tallinn(2024, 3, 6, 10, 1))
    assert report.sent == 1


def test_moving_before_any_reminder_went_out_sends_no_update(app):
    series = make_series()
    event = make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    with planning_as_of(tallinn(2024, 3, 1, 10)):
        move_occurrence(event, tallinn(2024, 3, 19, 18))
    db.session.commit()
    assert [row[:3] for row in outbox(event)] == [
        ("before", "7d", "pending"),
        ("before", "1d", "pending"),
        ("followup", "after", "pending"),
    ]
    assert outbox(event)[0][3] == "03-12 09:00"


def test_cancelling_cancels_pending_reminders_and_tells_those_reminded(app):
    series = make_series(organisers=["a@x.ee"])
    event = make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 5, 9))
    with planning_as_of(tallinn(2024, 3, 7, 12)):
        cancel_occurrence(event, "room unavailable")
    db.session.commit()
    assert outbox(event) == [
        ("before", "7d", "sent", "03-05 09:00"),
        ("cancelled", "seq1", "pending", "03-07 12:00"),
        ("before", "1d", "cancelled", "03-11 09:00"),
        ("followup", "after", "cancelled", "03-12 21:30"),
    ]
    report = dispatch_due(tallinn(2024, 3, 20))
    assert (report.sent, report.skipped) == (0, 1)  # the event date passed: no late notice
    assert dispatch_due(tallinn(2024, 3, 7, 12, 5)).sent == 0


def test_cancelling_far_ahead_cancels_quietly_and_restoring_plans_again(app):
    series = make_series()
    event = make_event(series, tallinn(2024, 6, 4, 18))
    db.session.commit()
    with planning_as_of(tallinn(2024, 3, 1)):
        cancel_occurrence(event)
        db.session.commit()
        assert {row[2] for row in outbox(event)} == {"cancelled"}
        restore_occurrence(event)
        db.session.commit()
    assert {row[2] for row in outbox(event)} == {"pending"}
    assert len(outbox(event)) == 3


def test_a_cancellation_notice_is_sent_once_and_names_the_event(app):
    series = make_series(organisers=["a@x.ee"], title="Keelekohvik")
    event = make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    dispatch_due(tallinn(2024, 3, 11, 9))  # 7d is superseded, 1d goes out
    with planning_as_of(tallinn(2024, 3, 11, 12)):
        cancel_occurrence(event)
    db.session.commit()
    assert dispatch_due(tallinn(2024, 3, 11, 12, 1)).sent == 1
    assert dispatch_due(tallinn(2024, 3, 11, 12, 2)).sent == 0
    import pathlib

    files = sorted(pathlib.Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml"))
    assert len(files) == 2
    import email
    from email import policy

    subjects = [
        email.message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files
    ]
    # Organisers without an account get the default language, Estonian.
    assert any(s.startswith("Ära jäetud: Keelekohvik") for s in subjects), subjects


def test_a_series_override_changes_the_plan_and_a_broken_one_falls_back(app, caplog):
    custom = make_series("custom", reminder_policy={"offsets_days": [3], "followup": False})
    broken = make_series("broken", reminder_policy={"ofsets": [3]})
    make_event(custom, tallinn(2024, 3, 12, 18))
    make_event(broken, tallinn(2024, 3, 12, 18))
    db.session.commit()
    slots = {
        key: sorted(
            r.slot for r in db.session.scalars(select(Reminder)) if r.event.series.key == key
        )
        for key in ("custom", "broken")
    }
    assert slots == {"custom": ["3d"], "broken": ["1d", "7d", "after"]}
    assert "unknown reminder policy key(s): ofsets" in caplog.text


def test_someone_removed_from_the_organisers_gets_no_more_reminders(app):
    series = make_series(organisers=["stays@x.ee", "leaves@x.ee"])
    make_event(series, tallinn(2024, 3, 12, 18))
    db.session.commit()
    series.organisers = ["stays@x.ee"]
    db.session.commit()
    report = dispatch_due(tallinn(2024, 3, 5, 9))
    assert (report.sent, report.skipped) == (1, 1)
    skipped = db.session.scalars(select(Reminder).where(Reminder.status == "skipped")).one()
    assert (skipped.recipient, skipped.last_error) == (
        "leaves@x.ee",
        "no longer an organiser of the event",
    )
