"""Build one reminder message (subject, plain text, HTML, .ics) for one recipient.

Messages are rendered when they are sent, from the event as it is then, in the
recipient's language; the Message-ID comes from the outbox row and never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import find_user
from ..events.models import Event, EventStatus
from ..events.queries import EventFilter, list_events
from ..feeds.service import event_calendar
from .models import Reminder, ReminderKind
from .tokens import followup_token, opt_out_token

DEFAULT_LOCALE = "et"


@dataclass
class OutgoingMail:
    message_id: str
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    ics: bytes | None = None


def recipient_locale(email: str) -> str:
    user = find_user(email)
    languages = current_app.config.get("LANGUAGES", ("et", "en", "ru"))
    if user is not None and user.locale in languages:
        return user.locale
    return DEFAULT_LOCALE


def when_text(moment: datetime, tz: str, locale: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), 'full', locale=locale)}, {local:%H:%M}"


def event_ics(event: Event, locale: str) -> bytes | None:
    """The attachment: the feeds' own VEVENT for this occurrence (same UID and SEQUENCE, so
    a client updates the event it already has), or None if it cannot be written."""
    written = event_calendar(event, locale)
    return written.body if written.written else None


def event_title(event: Event, locale: str) -> str:
    return event.title or event.series.title_for(locale)


def _external(endpoint: str, **values) -> str:
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def _event_context(event: Event, locale: str) -> dict:
    tz = event.series.timezone
    return {
        "event": event,
        "title": event_title(event, locale),
        "when": when_text(event.start, tz, locale),
        "until": format_datetime(event.end, "HH:mm", tzinfo=ZoneInfo(tz), locale=locale),
        "where": event.display_location,
        "online_url": event.series.online_url,
        "organisation": event.series.organisation.display_name(locale),
    }


def _subject(reminder: Reminder, context: dict) -> str:
    values = {"title": context.get("title", ""), "when": context.get("when", "")}
    if reminder.kind == ReminderKind.BEFORE:
        return _("Reminder: %(title)s on %(when)s", **values)
    if reminder.kind == ReminderKind.FOLLOWUP:
        return _("Was it held? %(title)s on %(when)s", **values)
    if reminder.kind == ReminderKind.UPDATED:
        return _("Changed: %(title)s is now on %(when)s", **values)
    if reminder.kind == ReminderKind.CANCELLED:
        return _("Cancelled: %(title)s on %(when)s", **values)
    return _("Your week from %(start)s: %(count)d events", **context["digest"])


def _digest_context(reminder: Reminder, locale: str) -> dict:
    from ..accounts.models import Role

    week_start = datetime.fromisoformat(reminder.payload["week_start"]).date()
    user = find_user(reminder.recipient)
    org = None
    if user is not None and user.role != Role.ADMIN and user.organisation is not None:
        org = user.organisation.slug
    events = list_events(EventFilter(start=week_start, end=week_start + timedelta(days=7), org=org))
    rows = [
        {
            "title": event_title(e, locale),
            "when": when_text(e.start, e.series.timezone, locale),
            "where": e.display_location,
            "organisation": e.series.organisation.display_name(locale),
            "cancelled": e.status == EventStatus.CANCELLED,
        }
        for e in events
    ]
    start_text = format_date(week_start, "d MMMM y", locale=locale)
    return {"digest": {"start": start_text, "count": len(rows)}, "rows": rows}


def build_mail(reminder: Reminder) -> OutgoingMail:
    locale = recipient_locale(reminder.recipient)
    with force_locale(locale):
        context: dict = {"reminder": reminder, "locale": locale, "kind": str(reminder.kind)}
        ics = None
        if reminder.event is not None:
            event = reminder.event
            context.update(_event_context(event, locale))
            ics = event_ics(event, locale)
        if reminder.kind == ReminderKind.BEFORE:
            context["days"] = int(reminder.slot.removesuffix("d"))
        if reminder.kind == ReminderKind.FOLLOWUP:
            token = followup_token(reminder.event, reminder.recipient)
            context["followup_url"] = _external("reminders.followup", token=token)
            ics = None
        if reminder.kind == ReminderKind.UPDATED and (reminder.payload or {}).get("previous_start"):
            previous = datetime.fromisoformat(reminder.payload["previous_start"])
            context["previous_when"] = when_text(previous, reminder.event.series.timezone, locale)
        if reminder.kind == ReminderKind.DIGEST:
            context.update(_digest_context(reminder, locale))
        opt_out_url = _external("reminders.opt_out", token=opt_out_token(reminder.recipient))
        context["opt_out_url"] = opt_out_url
        subject = _subject(reminder, context)
        context["subject"] = subject
        text = render_template(f"reminders/email/{reminder.kind}.txt", **context)
        html = render_template(f"reminders/email/{reminder.kind}.html", **context)
    return OutgoingMail(
        message_id=reminder.message_id,
        recipient=reminder.recipient,
        subject=subject,
        text=text,
        html=html,
        headers={
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{opt_out_url}>",
            "Content-Language": locale,
        },
        ics=ics,
    )
