"""Registrants' mail goes through the reminder outbox: a row written in the transaction that
changes the registration, sent exactly once by the dispatcher."""

from __future__ import annotations

import uuid
from datetime import datetime

from ..core.time import utcnow
from ..extensions import db
from ..mail.message import OutgoingMail, link_to, rendered_mail, when_text
from ..mail.models import Reminder, ReminderKind
from .models import Registration

#: why a registrant is written to (the templates: registrations/email/<purpose>.*)
PURPOSES = (
    "confirm",
    "link",
    "confirmed",
    "waitlisted",
    "promoted",
    "received",
    "cancelled",
    "declined",
    # the occurrence changed (registrations/notices.py)
    "reminder",
    "moved",
    "event_cancelled",
    "restored",
    # the organisers wrote to everyone registered (payload: subject, text)
    "message",
)


def queue_registration_mail(
    row: Registration,
    purpose: str,
    *,
    kind: ReminderKind = ReminderKind.REGISTRATION,
    slot: str | None = None,
    due: datetime | None = None,
    extra: dict | None = None,
) -> Reminder | None:
    """An outbox row for the registrant (due now unless ``due``), or None once their address
    is erased. Without a ``slot`` each call is a message of its own; with one, the caller
    keeps it unique (the outbox's key refuses a second row for the same change)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown registration mail: {purpose}")
    if not row.email:
        return None
    now = utcnow()
    slot = slot or f"{purpose}-{uuid.uuid4().hex[:16]}"
    reminder = Reminder.pending(
        kind,
        row.event_id,
        slot,
        row.email,
        due or now,
        now=now,
        event_id=row.event_id,
        payload={"registration_id": row.id, "purpose": purpose, **(extra or {})},
    )
    db.session.add(reminder)
    return reminder


def personal_url(row: Registration) -> str:
    """The registrant's own link (see, confirm, cancel), absolute, on BASE_URL."""
    from .links import personal_token

    return link_to("registrations.personal", token=personal_token(row.id, row.token_hash))


def build_registration_mail(reminder: Reminder) -> OutgoingMail:
    """The message of a queued registration mail, in the registrant's language (the
    dispatcher's build step), with the occurrence's .ics and the personal link."""
    from flask import current_app, render_template
    from flask_babel import force_locale

    from ..core.localized import localized
    from ..events.presentation import title_of
    from ..feeds.service import event_ics
    from .door_code import mail_qr

    payload = reminder.payload or {}
    row = db.session.get(Registration, payload.get("registration_id"))
    if row is None or row.email != reminder.recipient:
        raise ValueError("the registration this mail was for is gone or erased")
    purpose = payload["purpose"]
    event = row.event
    locale = row.language if row.language in current_app.config["LANGUAGES"] else "et"
    tz = event.series.timezone
    # the door reads it (door_code); none on a cancelled occurrence's notice
    qr = mail_qr(row) if purpose not in ("cancelled", "event_cancelled") else None
    with force_locale(locale):
        context = {
            "purpose": purpose,
            "registration": row,
            "title": title_of(event, locale).value,
            "when": when_text(event.start, tz, locale),
            "where": event.display_location,
            "link": personal_url(row) if row.token_hash else None,
            "retention_days": current_app.config["REGISTRATION_RETENTION_DAYS"],
            "qr_cid": qr.content_id if qr else None,
            "previous": _previous_when(payload, tz, locale),
            "reason": localized(event, "cancel_reason", locale)
            if purpose == "event_cancelled"
            else "",
            "message_subject": payload.get("subject", ""),
            "message_text": payload.get("text", ""),
        }
        return rendered_mail(
            reminder.message_id,
            reminder.recipient,
            locale,
            "registrations/email/message",
            subject=render_template("registrations/email/subject.txt", **context),
            ics=event_ics(event, locale) if purpose not in WITHOUT_ICS else None,
            images=(qr,) if qr else (),
            **context,
        )


#: mail that carries no calendar entry (a cancelled occurrence's carries its cancellation)
WITHOUT_ICS = ("cancelled", "declined", "message")


def _previous_when(payload: dict, tz: str, locale: str) -> str:
    previous = payload.get("previous_start")
    return when_text(datetime.fromisoformat(previous), tz, locale) if previous else ""
