from flask import Blueprint

from . import views

bp = Blueprint("calendars", __name__, url_prefix="/calendars")
bp.add_url_rule("/", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/<int:calendar_id>/refresh", "refresh", views.refresh, methods=["POST"])
