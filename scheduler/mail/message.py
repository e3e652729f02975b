"""One outgoing message, and what every feature's mail shares: absolute links on BASE_URL,
times as a person reads them, and the headers of a message no person typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app, render_template, url_for


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML shows by ``cid:<content_id>`` (and a client lists as a file)."""

    content_id: str
    filename: str
    data: bytes
    content_type: str = "image/png"


@dataclass
class OutgoingMail:
    message_id: str
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    ics: bytes | None = None
    images: tuple[InlineImage, ...] = ()


def rendered_mail(
    message_id: str,
    recipient: str,
    locale: str,
    template: str,
    /,
    *,
    subject: str,
    ics: bytes | None = None,
    headers: dict[str, str] | None = None,
    images: tuple[InlineImage, ...] = (),
    **context,
) -> OutgoingMail:
    """A message the scheduler sends on its own: its plain text and HTML are the templates
    ``<template>.txt`` and ``<template>.html`` rendered with ``context`` and the subject (on
    one line). Call it in the recipient's locale (``force_locale``). It is marked
    auto-generated, so that autoresponders stay quiet, and names its language; ``headers``
    adds more (``List-Unsubscribe``)."""
    subject = " ".join(subject.split())
    return OutgoingMail(
        message_id=message_id,
        recipient=recipient,
        subject=subject,
        text=render_template(f"{template}.txt", subject=subject, **context),
        html=render_template(f"{template}.html", subject=subject, **context),
        headers={"Auto-Submitted": "auto-generated", "Content-Language": locale, **(headers or {})},
        ics=ics,
        images=images,
    )


def link_to(endpoint: str, **values) -> str:
    """An absolute address under BASE_URL (also from the command line and the jobs)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def when_text(moment: datetime, tz: str, locale: str) -> str:
    """A start as mail gives it: the full local date and the time, e.g. "Thursday, 4 January
    2024, 18:00"."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), 'full', locale=locale)}, {local:%H:%M}"
