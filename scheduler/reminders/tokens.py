"""Signed links in reminder mail: the follow-up form and the opt-out.

A follow-up token names the event, the recipient and a fingerprint of the event's state
when the mail was built; once the event changes (moved, edited, outcome recorded) the
link is refused rather than applied to something its reader never saw.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..events.models import Event

FOLLOWUP_SALT = "reminders.followup"
OPT_OUT_SALT = "reminders.opt-out"


class LinkRefused(Exception):
    """A link that cannot be used; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = message


@dataclass(frozen=True)
class FollowupClaim:
    event_id: int
    recipient: str
    fingerprint: str


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def event_fingerprint(event: Event) -> str:
    state = f"{event.id}|{event.sequence}|{event.status}|{event.updated_at.isoformat()}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def followup_token(event: Event, recipient: str) -> str:
    return _serializer(FOLLOWUP_SALT).dumps(
        {"e": event.id, "r": recipient, "f": event_fingerprint(event)}
    )


def read_followup_token(token: str) -> FollowupClaim:
    max_age = int(current_app.config["FOLLOWUP_LINK_MAX_AGE_DAYS"]) * 86400
    data = _loads(_serializer(FOLLOWUP_SALT), token, max_age)
    try:
        return FollowupClaim(int(data["e"]), str(data["r"]), str(data["f"]))
    except (KeyError, TypeError, ValueError) as error:
        raise LinkRefused(403, _l("This link is not valid.")) from error


def check_fingerprint(claim: FollowupClaim, event: Event | None) -> Event:
    if event is None:
        raise LinkRefused(410, _l("The event of this link no longer exists."))
    if event_fingerprint(event) != claim.fingerprint:
        raise LinkRefused(
            410,
            _l(
                "The event has changed since this link was sent (it was moved, edited or its "
                "outcome was already recorded), so the link no longer applies."
            ),
        )
    return event


def opt_out_token(email: str) -> str:
    return _serializer(OPT_OUT_SALT).dumps({"r": email})


def read_opt_out_token(token: str) -> str:
    data = _loads(_serializer(OPT_OUT_SALT), token, max_age=None)
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise LinkRefused(403, _l("This link is not valid."))
    return data["r"]


def _loads(serializer: URLSafeTimedSerializer, token: str, max_age: int | None):
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkRefused(410, _l("This link has expired.")) from error
    except BadSignature as error:
        raise LinkRefused(
            403, _l("This link is not valid: it was altered or not issued here.")
        ) from error
