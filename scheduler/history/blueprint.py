from flask import Blueprint

from . import views

bp = Blueprint("history", __name__)
bp.add_url_rule("/events/<int:event_id>/history", "event", views.event_history)
bp.add_url_rule("/series/<int:series_id>/history", "series", views.series_history)
bp.add_url_rule("/indicators/<code>/history", "indicator", views.indicator_history)
