"""The links in a subscriber's mail: confirm, change the choices, unsubscribe.

Each is signed with SECRET_KEY (itsdangerous, a salt per purpose) and names the row and one of
its random values (see :class:`~.models.Subscriber`); the random values come from the
registrations' links, which work the same way."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..mail.message import link_to
from ..registrations.links import new_token_hash
from .models import Subscriber

PURPOSES = ("confirm", "manage", "unsubscribe")
ENDPOINTS = {
    "confirm": "subscriptions.confirm",
    "manage": "subscriptions.manage",
    "unsubscribe": "subscriptions.unsubscribe",
}

__all__ = ["PURPOSES", "link_token", "new_token_hash", "subscriber_of", "url_of"]


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"subscriptions.{purpose}")


def _value(row: Subscriber, purpose: str) -> str | None:
    return row.confirm_hash if purpose == "confirm" else row.token_hash


def link_token(row: Subscriber, purpose: str) -> str:
    return _serializer(purpose).dumps({"s": row.id, "k": _value(row, purpose)})


def subscriber_of(token: str, purpose: str) -> Subscriber | None:
    """The row a link names, if the link is ours and still works."""
    try:
        data = _serializer(purpose).loads(token)
        row_id, value = int(data["s"]), str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
    row = db.session.get(Subscriber, row_id) if 0 < row_id < 2**31 else None
    if row is None or _value(row, purpose) is None or _value(row, purpose) != value:
        return None
    return row


def url_of(row: Subscriber, purpose: str) -> str:
    """The absolute link, on BASE_URL (mail is built outside any request)."""
    return link_to(ENDPOINTS[purpose], token=link_token(row, purpose))
