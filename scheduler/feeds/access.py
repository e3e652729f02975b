"""Loading a private feed link for the web through the policy: 404 unless it is the user's
to revoke (nobody learns which link numbers exist)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..core.bounds import is_valid_id
from ..core.policy import can
from ..extensions import db
from .models import FeedToken


def load_feed_token(token_id: int, action: str = "revoke_feed_token") -> FeedToken:
    row = db.session.get(FeedToken, token_id) if is_valid_id(token_id) else None
    if not can(current_user, action, row):
        abort(404)
    return row
