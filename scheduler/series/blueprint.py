from flask import Blueprint

from . import views

bp = Blueprint("series", __name__, url_prefix="/series")
bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/preview", "preview", views.preview, methods=["GET", "POST"])
bp.add_url_rule("/<int:series_id>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:series_id>/withdraw", "withdraw", views.withdraw, methods=["POST"])


@bp.app_template_filter("series_moment")
def series_moment(moment) -> str:
    from flask_babel import format_datetime

    return format_datetime(moment, "EEE d MMM y, HH:mm")


@bp.app_template_filter("series_day")
def series_day(day) -> str:
    from flask_babel import format_date

    return format_date(day, "EEE d MMM y")


@bp.app_template_filter("series_month")
def series_month(day) -> str:
    from flask_babel import format_date

    return format_date(day, "LLLL y")
