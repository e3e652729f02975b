"""Who asked for no reminder mail: the opt-out table, and the flag on a user's account."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User, find_user
from ..extensions import db
from .models import ReminderOptOut


def set_opt_out(email: str, opted_out: bool) -> None:
    email = email.strip().lower()
    user = find_user(email)
    if user is not None:
        user.reminders_opt_out = opted_out
    row = db.session.get(ReminderOptOut, email)
    if opted_out and row is None:
        db.session.add(ReminderOptOut(email=email))
    elif not opted_out and row is not None:
        db.session.delete(row)


def opted_out(recipients: set[str]) -> set[str]:
    if not recipients:
        return set()
    listed = db.session.scalars(
        select(ReminderOptOut.email).where(ReminderOptOut.email.in_(recipients))
    ).all()
    users = db.session.scalars(
        select(User.email).where(User.email.in_(recipients), User.reminders_opt_out.is_(True))
    ).all()
    return set(listed) | set(users)
