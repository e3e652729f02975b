from flask import Blueprint

from . import views

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/<int:reminder_id>/retry", "retry", views.retry, methods=["POST"])
bp.add_url_rule("/followup/<token>", "followup", views.followup, methods=["GET", "POST"])
bp.add_url_rule("/opt-out/<token>", "opt_out", views.opt_out, methods=["GET", "POST"])
