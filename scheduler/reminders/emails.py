"""Build one reminder message (subject, plain text, HTML, .ics) for one recipient.

Messages are rendered when they are sent, from the event as it is then, in the
recipient's language; the Message-ID comes from the outbox row and never changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..accounts.models import find_user
from ..core.policy import event_visibility
from ..events import presentation as show
from ..events.models import Event
from ..events.queries import EventFilter, list_events
from ..events.shown import shown
from ..feeds.service import event_ics
from ..mail.message import OutgoingMail, link_to, rendered_mail, when_text
from ..mail.models import ACCOUNT_KINDS, Reminder, ReminderKind
from .tokens import followup_token, opt_out_token

DEFAULT_LOCALE = "et"


def recipient_locale(email: str) -> str:
    user = find_user(email)
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return user.locale
    return DEFAULT_LOCALE


def _event_context(event: Event, locale: str) -> dict:
    view = shown(event, locale)
    return {
        "event": event,
        "title": view.title.value,
        "reason": view.reason,
        "when": when_text(event.start, view.tz, locale),
        "until": format_datetime(event.end, "HH:mm", tzinfo=ZoneInfo(view.tz), locale=locale),
        "moved_from": when_text(view.moved_from, view.tz, locale) if view.moved_from else None,
        "where": view.place,
        "online_url": view.online_url,
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
    week = EventFilter(
        start=week_start,
        end=week_start + timedelta(days=7),
        org=org,
        visibility=event_visibility(user),  # a deactivated or unknown recipient: public ones
    )
    events = list_events(week)
    rows = [
        {
            "title": show.title_of(e, locale).value,
            "when": when_text(e.start, e.series.timezone, locale),
            "where": show.place_of(e),
            "organisation": e.series.organisation.display_name(locale),
            "cancelled": show.status_of(e) == "cancelled",
        }
        for e in events
    ]
    start_text = format_date(week_start, "d MMMM y", locale=locale)
    return {"digest": {"start": start_text, "count": len(rows)}, "rows": rows}


def build_mail(reminder: Reminder) -> OutgoingMail:
    if reminder.kind in (ReminderKind.REGISTRATION, ReminderKind.REGISTRATION_REMINDER):
        from ..registrations.mail import build_registration_mail

        return build_registration_mail(reminder)
    if reminder.kind == ReminderKind.SUBSCRIPTION:
        from ..subscriptions.mail import build_subscription_mail

        return build_subscription_mail(reminder)
    if reminder.kind in ACCOUNT_KINDS:
        from ..accounts.mail import build_account_mail

        return build_account_mail(reminder)
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
            context["followup_url"] = link_to("reminders.followup", token=token)
            ics = None
        if reminder.kind == ReminderKind.UPDATED and (reminder.payload or {}).get("previous_start"):
            previous = datetime.fromisoformat(reminder.payload["previous_start"])
            context["previous_when"] = when_text(previous, reminder.event.series.timezone, locale)
        if reminder.kind == ReminderKind.DIGEST:
            context.update(_digest_context(reminder, locale))
        opt_out_url = link_to("reminders.opt_out", token=opt_out_token(reminder.recipient))
        context["opt_out_url"] = opt_out_url
        return rendered_mail(
            reminder.message_id,
            reminder.recipient,
            locale,
            f"reminders/email/{reminder.kind}",
            subject=_subject(reminder, context),
            ics=ics,
            headers={"List-Unsubscribe": f"<{opt_out_url}>"},
            **context,
        )
