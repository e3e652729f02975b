from flask import Blueprint

from . import views

bp = Blueprint("calendars", __name__, url_prefix="/calendars")
bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
for _action in ("refresh", "pause", "resume", "remove"):
    bp.add_url_rule(
        f"/<int:calendar_id>/{_action}", _action, getattr(views, _action), methods=["POST"]
    )
