"""The outbox: one row per message owed to one recipient, whichever feature owes it.

Reminders, registrations and account mail write rows here in the transaction that makes the
message due; the reminders' dispatcher (scheduler/reminders/dispatch.py) is the only sender.
The table keeps its first name, ``reminder``, as do the class and its kinds."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import UTCDateTime, enum_column
from ..events.models import Event
from ..extensions import db


class ReminderKind(enum.StrEnum):
    BEFORE = "before"  # "your event is in N days"
    FOLLOWUP = "followup"  # "was it held? how many came?"
    UPDATED = "updated"  # the event moved or changed after a reminder was sent
    CANCELLED = "cancelled"  # the event was cancelled
    DIGEST = "digest"  # a coordinator's week (no event)
    PASSWORD_RESET = "password_reset"  # account mail (no event), built by the accounts feature
    REGISTRATION = "registration"  # to a registrant, built by the registrations feature
    # a confirmed registrant's day-before reminder (registrations/notices.py)
    REGISTRATION_REMINDER = "registration_reminder"
    SUBSCRIPTION = "subscription"  # to a newcomer's email alerts, built by subscriptions


#: kinds that are account mail, not reminders: sent whatever the recipient's opt-out
ACCOUNT_KINDS = (ReminderKind.PASSWORD_RESET,)


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time (or its next attempt)
    SENDING = "sending"  # claimed by a dispatcher until next_attempt_at (the lease)
    SENT = "sent"
    FAILED = "failed"  # refused permanently or out of attempts: shown to coordinators
    SKIPPED = "skipped"  # no longer worth sending (event began, opted out, superseded)
    CANCELLED = "cancelled"  # its event was cancelled


#: statuses a dispatcher may still act on
OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.SENDING)
#: the same as SQL text, so that the planners (SQLite, PostgreSQL) can match the partial
#: index below; a bound-parameter IN list would not prove the index's condition
OPEN_PREDICATE = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_STATUSES))


def new_message_id() -> str:
    domain = current_app.config["UID_DOMAIN"]
    return f"<reminder.{uuid.uuid4().hex}@{domain}>"


def reminder_key(kind: str, subject: str | int | None, slot: str, recipient: str) -> str:
    """The outbox's unique key: one message per kind, event (or week), slot and person."""
    return f"{kind}/{subject}/{slot}/{recipient}"


class Reminder(db.Model):
    __tablename__ = "reminder"
    __table_args__ = (
        # The dispatcher's query walks only open rows in next_attempt_at order and stops at
        # "now": its cost follows the rows due, not the size of the outbox.
        Index(
            "ix_reminder_open",
            "next_attempt_at",
            "id",
            sqlite_where=text(OPEN_PREDICATE),
            postgresql_where=text(OPEN_PREDICATE),
        ),
        Index("ix_reminder_status_due", "status", "due"),  # the outbox page and CLI
        Index("ix_reminder_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind, length=32))
    # "7d"/"1d" for before, "after" for follow-ups, "seq<N>" for notices, "2024-W02" for digests
    slot: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a dispatcher may take it next: the due time, a retry's backoff, or a claim's lease end.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus), default=ReminderStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fixed at creation and reused by every retry, so a resent message is recognisable.
    message_id: Mapped[str] = mapped_column(String(200), unique=True, default=new_message_id)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event | None] = relationship()

    @classmethod
    def pending(
        cls,
        kind: str,
        subject: int | None,
        slot: str,
        recipient: str,
        due: datetime,
        *,
        now: datetime | None = None,
        **extra,
    ) -> Reminder:
        """A new row waiting to go out at ``due``, keyed by its kind, event, slot and person."""
        now = now or utcnow()
        return cls(
            key=reminder_key(kind, subject, slot, recipient),
            kind=ReminderKind(kind),
            slot=slot,
            recipient=recipient,
            due=due,
            next_attempt_at=due,
            status=ReminderStatus.PENDING,
            attempts=0,
            created_at=now,
            updated_at=now,
            **extra,
        )

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "kind": str(self.kind),
            "slot": self.slot,
            "recipient": self.recipient,
            "due": self.due.isoformat(),
            "status": str(self.status),
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_error": self.last_error,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "message_id": self.message_id,
        }
