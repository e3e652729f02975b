from flask import Blueprint

from ..extensions import csrf
from . import views

bp = Blueprint("subscriptions", __name__)
bp.add_url_rule("/subscribe", "subscribe", views.subscribe, methods=["GET", "POST"])
bp.add_url_rule("/subscribe/confirm/<token>", "confirm", views.confirm, methods=["GET", "POST"])
bp.add_url_rule("/subscriptions/<token>", "manage", views.manage, methods=["GET", "POST"])
# RFC 8058: a mail client posts "List-Unsubscribe=One-Click" with no page, so no CSRF token;
# the signed link is what proves the right to unsubscribe.
bp.add_url_rule(
    "/unsubscribe/<token>", "unsubscribe", csrf.exempt(views.unsubscribe), methods=["GET", "POST"]
)
