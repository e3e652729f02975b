"""The personal link of a registration (see, confirm, cancel): signed with SECRET_KEY
(itsdangerous), like the other links in mail. It names the row and the row's current
``token_hash``, a random value: cancelling or erasing the registration clears it, so every
link sent before stops working, and the mail can be built again at any time from the row."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "registrations.personal"


class LinkRefused(Exception):
    """A personal link that cannot be used."""


@dataclass(frozen=True)
class PersonalLink:
    registration_id: int
    token_hash: str


def new_token_hash() -> str:
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def personal_token(registration_id: int, token_hash: str) -> str:
    return _serializer().dumps({"r": registration_id, "k": token_hash})


def read_personal_token(token: str) -> PersonalLink:
    try:
        data = _serializer().loads(token)
        return PersonalLink(int(data["r"]), str(data["k"]))
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError) as error:
        raise LinkRefused(token[:12]) from error
