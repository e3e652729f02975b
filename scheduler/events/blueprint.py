from flask import Blueprint

from . import calendar_views, views

bp = Blueprint("events", __name__)
bp.add_app_template_global(calendar_views.shown_status, "shown_status")
bp.add_url_rule("/", "index", calendar_views.index)
bp.add_url_rule("/events/<int:event_id>", "detail", views.detail)
bp.add_url_rule("/events/awaiting", "awaiting", views.awaiting, methods=["GET", "POST"])
bp.add_url_rule(
    "/events/<int:event_id>/<any(held, 'not-held', cancel, restore, move, edit):action>",
    "change",
    views.change,
    methods=["POST"],
)
