from flask import Blueprint

from . import views

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/events.rss", "news", views.news, defaults={"format_": "rss"})
bp.add_url_rule("/events.atom", "news", views.news, defaults={"format_": "atom"})
bp.add_url_rule("/all.ics", "public_all", views.public_feed, defaults={"kind": "all"})
bp.add_url_rule("/<any(org, activity, type, lang):kind>/<value>.ics", "public", views.public_feed)
bp.add_url_rule("/<token>/all.ics", "private_all", views.private_feed, defaults={"kind": "all"})
bp.add_url_rule("/<token>/mine.ics", "private_mine", views.private_feed, defaults={"kind": "mine"})
bp.add_url_rule(
    "/<token>/<any(org, activity, type, lang):kind>/<value>.ics", "private", views.private_feed
)
bp.add_url_rule("/tokens", "create_token", views.create_token, methods=["POST"])
bp.add_url_rule(
    "/tokens/<int:token_id>/revoke", "revoke_token", views.revoke_token, methods=["POST"]
)
