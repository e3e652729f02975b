"""Helpers for the registration tests."""

from __future__ import annotations

from scheduler.extensions import db


def sign_up(event, who: str, language: str = "en", **fields):
    """A pending registration of ``who``@example.ee, committed."""
    from scheduler.registrations.service import register

    row = register(event, name=who.title(), email=f"{who}@example.ee", language=language, **fields)
    db.session.commit()
    return row


def mails_to(app, recipient: str) -> list:
    """Messages the dispatcher wrote to the capture folder for ``recipient``, oldest first."""
    from email import message_from_bytes, policy
    from pathlib import Path

    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    found = (
        [
            message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        ]
        if folder.exists()
        else []
    )
    return [m for m in found if m["To"] == recipient]


def link_in(message) -> str:
    """The personal link (a path) in a registration mail."""
    import re

    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/registration/\S+)", text)
    assert found, text
    return found.group(1)


def open_registration_with_one_person(series) -> tuple[int, str]:
    """Registration open on ``series`` with every question asked, one confirmed person on its
    first occurrence a day or more away; returns that occurrence and the person's
    personal-link token."""
    from datetime import timedelta

    from scheduler.core.time import utcnow
    from scheduler.registrations.links import personal_token
    from scheduler.registrations.service import confirm, open_series

    soon = utcnow() + timedelta(days=1)
    event = min((e for e in series.events if e.start > soon), key=lambda e: e.start)

    settings = open_series(series, capacity=20, waitlist=True)
    settings.ask_phone = settings.ask_kov = settings.ask_accessibility = True
    settings.question, settings.question_ru = "Mida ootate?", "Чего вы ждёте?"
    db.session.commit()
    row = sign_up(event, "osaleja")
    confirm(row.id)
    return event.id, personal_token(row.id, row.token_hash)


def reading_english(client, role, org=None):
    """Signed in as a new person of that role (tests.support.people), who reads the pages in
    English whatever the browser asks for."""
    from tests.support.people import signed_in_as

    user = signed_in_as(client, role, org)
    user.locale = "en"
    db.session.commit()
    return user
