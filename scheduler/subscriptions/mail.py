"""Subscribers' mail goes through the reminder outbox: a row written in the transaction that
asks for it, built when it is sent (in the subscriber's mail language, from the events as they
are then) and sent exactly once by the dispatcher. Every message carries the one-click
unsubscribe of RFC 8058 and a visible link to it."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.time import utcnow
from ..events.models import Event
from ..events.queries import events_by_id
from ..events.shown import shown
from ..extensions import db
from ..mail.message import OutgoingMail, rendered_mail, when_text
from ..mail.models import Reminder, ReminderKind, reminder_key
from .links import url_of
from .models import Subscriber, SubscriberState

#: why a subscriber is written to (the templates: subscriptions/email/<purpose>)
PURPOSES = ("confirm", "digest", "cancelled", "moved")


def queue_subscription_mail(
    row: Subscriber,
    purpose: str,
    *,
    slot: str | None = None,
    event: Event | None = None,
    language: str | None = None,
    now: datetime | None = None,
    **payload,
) -> Reminder | None:
    """An outbox row due now for the subscriber; None when the same message (its kind,
    event, slot and address) is already in the outbox, so that it is sent only once."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown subscription mail: {purpose}")
    now = now or utcnow()
    slot = slot or f"{purpose}-{uuid.uuid4().hex[:16]}"
    event_id = event.id if event is not None else None
    key = reminder_key(ReminderKind.SUBSCRIPTION, event_id, slot, row.email)
    if db.session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None:
        return None
    reminder = Reminder.pending(
        ReminderKind.SUBSCRIPTION,
        event_id,
        slot,
        row.email,
        now,
        now=now,
        event_id=event_id,
        payload={
            "subscriber_id": row.id,
            "purpose": purpose,
            "language": language or row.mail_language,
            **payload,
        },
    )
    db.session.add(reminder)
    return reminder


def _language(reminder: Reminder, row: Subscriber) -> str:
    language = (reminder.payload or {}).get("language") or row.mail_language
    return language if language in current_app.config["LANGUAGES"] else "et"


def _links(row: Subscriber, purpose: str) -> dict:
    confirmed = row.state == SubscriberState.CONFIRMED
    return {
        "unsubscribe_url": url_of(row, "unsubscribe"),
        "manage_url": url_of(row, "manage") if confirmed else None,
        "confirm_url": url_of(row, "confirm")
        if purpose == "confirm" and row.confirm_hash
        else None,
    }


def _event_lines(reminder: Reminder, purpose: str, language: str) -> list[dict]:
    """The events of the message as the one presentation shows them, with their times."""
    if purpose == "digest":
        events = events_by_id([int(i) for i in reminder.payload.get("event_ids", [])])
    elif reminder.event is not None:
        events = [reminder.event]
    else:
        events = []
    lines = []
    for event in events:
        view = shown(event, language, link_language=language)
        moved = view.moved_from
        lines.append(
            {
                "view": view,
                "when": when_text(view.start, view.tz, language),
                "moved_from": when_text(moved, view.tz, language) if moved else None,
            }
        )
    return lines


def _subject(purpose: str, lines: list[dict]) -> str:
    if purpose == "confirm":
        return _("Confirm your email alerts of events for newcomers")
    if purpose == "digest":
        count = len(lines)
        return ngettext(
            "%(num)d new or changed event for you", "%(num)d new or changed events for you", count
        )
    values = {"title": lines[0]["view"].title.value, "when": lines[0]["when"]}
    if purpose == "cancelled":
        return _("Cancelled: %(title)s on %(when)s", **values)
    return _("Changed: %(title)s is now on %(when)s", **values)


def build_subscription_mail(reminder: Reminder) -> OutgoingMail:
    """The message of a queued subscription mail (the dispatcher's build step)."""
    payload = reminder.payload or {}
    row = db.session.get(Subscriber, payload.get("subscriber_id"))
    if row is None or row.email != reminder.recipient:
        raise ValueError("the subscription this mail was for is gone")
    purpose = payload["purpose"]
    language = _language(reminder, row)
    with force_locale(language):
        lines = _event_lines(reminder, purpose, language)
        links = _links(row, purpose)
        return rendered_mail(
            reminder.message_id,
            reminder.recipient,
            language,
            "subscriptions/email/message",
            subject=_subject(purpose, lines),
            headers={
                "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            purpose=purpose,
            language=language,
            lines=lines,
            pending_days=current_app.config["SUBSCRIPTION_PENDING_DAYS"],
            **links,
        )
