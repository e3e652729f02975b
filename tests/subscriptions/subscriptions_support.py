"""Helpers for the subscription tests: subscribing through the page, reading the mail."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from scheduler.core.time import utcnow, zone
from scheduler.reminders.dispatch import dispatch_due

EVERYTHING = {"frequency": "weekly", "mail_language": "en", "consent": "y"}


def subscribe(client, email: str = "newcomer@example.ee", **choices):
    """Post the public form (lists as repeated fields); returns the response."""
    data = {**EVERYTHING, "email": email, **choices}
    return client.post("/subscribe", data=data)


def tick():
    """One dispatcher tick, now."""
    return dispatch_due()


def path_of(row, purpose: str) -> str:
    """The path of a subscriber's link (``confirm``, ``manage``, ``unsubscribe``)."""
    from scheduler.subscriptions.links import url_of

    return "/" + url_of(row, purpose).split("://", 1)[1].split("/", 1)[1]


def mails_to(smtp, email: str = "newcomer@example.ee") -> list:
    """What the SMTP server accepted for ``email`` (organisers get their reminders too)."""
    return [r for r in smtp.received if email in r.recipients]


def text_of(received) -> str:
    return received.message.get_body(preferencelist=("plain",)).get_content()


def link_in(received, path: str) -> str:
    """The path of the first link to ``path`` (e.g. "/subscribe/confirm/") in the mail."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", text_of(received))
    assert found, text_of(received)
    return found.group(1)


def confirm(client, smtp, email: str = "newcomer@example.ee", **choices) -> None:
    """Subscribe, let the dispatcher send the confirmation, and follow its link."""
    assert subscribe(client, email, **choices).status_code == 200
    tick()
    (mail,) = mails_to(smtp, email)
    client.post(link_in(mail, "/subscribe/confirm/"))
    smtp.received.clear()


def monday_morning(weeks_later: int = 0) -> datetime:
    """09:00 local on the latest Monday that has begun (a digest's time), ``weeks_later``."""
    today = utcnow().astimezone(zone()).date()
    moment = datetime.combine(today - timedelta(days=today.weekday()), time(9), tzinfo=zone())
    if moment > utcnow():
        moment -= timedelta(weeks=1)
    return moment + timedelta(weeks=weeks_later)
