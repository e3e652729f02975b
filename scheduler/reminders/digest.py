"""The Monday-morning digest: one outbox row per coordinator (their organisation) and admin.

Planned as outbox rows keyed by ISO week, so the job may run any number of times a week
and the dispatcher sends each digest once, like any reminder.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from ..accounts.models import Role, User
from ..core.time import utcnow, zone
from ..extensions import db
from ..mail.models import Reminder, ReminderKind

DIGEST_HOUR = 8
DIGEST_MAX_DELAY = timedelta(days=1)  # a digest found later than this waits for next week


def week_of(now: datetime, tz: str) -> tuple[datetime, str]:
    """The local Monday 08:00 of ``now``'s week and its ISO week name (e.g. 2024-W02)."""
    local = now.astimezone(zone(tz))
    monday = local.date() - timedelta(days=local.weekday())
    year, week, _day = monday.isocalendar()
    return datetime.combine(monday, time(DIGEST_HOUR), tzinfo=zone(tz)), f"{year}-W{week:02d}"


def digest_recipients() -> list[str]:
    users = db.session.scalars(
        select(User).where(
            (User.role == Role.ADMIN)
            | ((User.role == Role.COORDINATOR) & User.organisation_id.is_not(None))
        )
    )
    return sorted({u.email.strip().lower() for u in users if u.email})


def plan_weekly_digests(now: datetime | None = None) -> int:
    """This week's digest rows, made on Monday from 08:00 for a day; returns how many are new."""
    now = now or utcnow()
    tz = current_app.config["TIMEZONE"]
    due, week = week_of(now, tz)
    if not due <= now <= due + DIGEST_MAX_DELAY:
        return 0
    existing = set(
        db.session.scalars(
            select(Reminder.recipient).where(
                Reminder.kind == ReminderKind.DIGEST, Reminder.slot == week
            )
        )
    )
    created = 0
    for recipient in digest_recipients():
        if recipient in existing:
            continue
        db.session.add(
            Reminder.pending(
                ReminderKind.DIGEST,
                None,
                week,
                recipient,
                due,
                now=now,
                payload={"week_start": due.date().isoformat()},
            )
        )
        created += 1
    db.session.commit()
    return created
