"""The Monday digest and the `flask reminders` commands."""

from __future__ import annotations

import json

from factories import make_org, make_series
from reminders_support import make_event

from scheduler.accounts.models import Role, User
from scheduler.extensions import db
from scheduler.reminders.digest import plan_weekly_digests
from scheduler.reminders.dispatch import dispatch_due
from tests.support.time import tallinn

MONDAY_8 = tallinn(2024, 3, 11, 8)


def test_monday_digest_gives_coordinators_their_organisation_and_admins_everything(smtp_app, smtp):
    tartu, parnu = make_org("tartu"), make_org("parnu")
    make_event(make_series("t", org=tartu, title="Tartu klubi"), tallinn(2024, 3, 12, 18))
    make_event(make_series("p", org=parnu, title="Pärnu beebiklubi"), tallinn(2024, 3, 14, 11))
    make_event(make_series("n", org=parnu, title="Next week"), tallinn(2024, 3, 19, 11))
    db.session.add_all(
        [
            User(email="coord@tartu.ee", role=Role.COORDINATOR, organisation=tartu, locale="en"),
            User(email="boss@elvl.ee", role=Role.ADMIN, locale="en"),
            User(email="someone@x.ee", role=Role.ORGANISER, organisation=tartu),
            User(email="nowhere@x.ee", role=Role.COORDINATOR),
        ]
    )
    db.session.commit()

    assert plan_weekly_digests(MONDAY_8.replace(hour=7)) == 0  # not yet
    assert plan_weekly_digests(MONDAY_8) == 2
    assert plan_weekly_digests(MONDAY_8.replace(hour=9)) == 0  # once a week
    dispatch_due(MONDAY_8)
    digests = {
        r.recipients[0]: r.message.get_body(("plain",)).get_content()
        for r in smtp.received
        if "week" in r.message["Subject"]
    }
    assert set(digests) == {"coord@tartu.ee", "boss@elvl.ee"}
    assert "Tartu klubi" in digests["coord@tartu.ee"]
    assert "Pärnu" not in digests["coord@tartu.ee"]
    assert (
        "Tartu klubi" in digests["boss@elvl.ee"] and "Pärnu beebiklubi" in digests["boss@elvl.ee"]
    )
    assert "Next week" not in digests["boss@elvl.ee"]


def test_reminders_list_json_and_dispatch_at_a_given_instant(app, runner):
    make_event(make_series(organisers=["a@x.ee"]), tallinn(2024, 3, 12, 18))
    db.session.commit()

    listed = json.loads(runner.invoke(args=["reminders", "list", "--format", "json"]).output)
    assert len(listed) == 3
    for row in listed:
        assert {
            "id",
            "event_id",
            "kind",
            "recipient",
            "due",
            "status",
            "attempts",
            "message_id",
        } <= set(row)
    assert {r["status"] for r in listed} == {"pending"}

    result = runner.invoke(args=["reminders", "dispatch", "--now", "2024-03-05T09:00"])
    assert result.exit_code == 0, result.output
    assert "sent=1" in result.output

    table = runner.invoke(args=["reminders", "list", "--status", "sent"])
    assert table.exit_code == 0
    assert "a@x.ee" in table.output and "7d" in table.output

    bad = runner.invoke(args=["reminders", "dispatch", "--now", "next tuesday"])
    assert bad.exit_code != 0 and "not an ISO date-time" in bad.output


def test_failed_reminders_can_be_queued_again(smtp_app, smtp, runner):
    smtp.handler.refuse = {"typo@x.ee"}
    make_event(make_series(organisers=["typo@x.ee"]), tallinn(2024, 3, 12, 18))
    db.session.commit()
    assert dispatch_due(tallinn(2024, 3, 5, 9)).failed == 1
    smtp.handler.refuse = set()
    assert "queued 1" in runner.invoke(args=["reminders", "retry", "--all-failed"]).output
    assert dispatch_due(tallinn(2024, 3, 5, 10)).sent == 1
    assert len(smtp.received) == 1


def test_a_digest_lists_only_what_its_recipient_may_see_when_it_is_sent(smtp_app, smtp):
    tartu = make_org("tartu")
    make_event(make_series("t", org=tartu, title="Tartu klubi"), tallinn(2024, 3, 12, 18))
    internal = make_series("i", org=tartu, title="Ametite võrgustik", is_public=False)
    make_event(internal, tallinn(2024, 3, 13, 9))
    coordinator = User(
        email="coord@tartu.ee", role=Role.COORDINATOR, organisation=tartu, locale="en"
    )
    db.session.add(coordinator)
    db.session.commit()
    assert plan_weekly_digests(MONDAY_8) == 1

    coordinator.role = Role.ORGANISER  # rights reduced between planning and sending
    db.session.commit()
    dispatch_due(MONDAY_8)

    (digest,) = [
        r.message.get_body(("plain",)).get_content()
        for r in smtp.received
        if "week" in r.message["Subject"]
    ]
    assert "Tartu klubi" in digest and "Ametite võrgustik" not in digest
