from flask import Blueprint

from . import door, door_taps, organisers, views

bp = Blueprint("registrations", __name__)
bp.add_url_rule(
    "/events/<int:event_id>/register", "register", views.register, methods=["GET", "POST"]
)
bp.add_url_rule("/registration/<token>", "personal", views.personal, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/participants", "participants", door.participants)
bp.add_url_rule(
    "/events/<int:event_id>/participants.csv", "participants_csv", door.participants_csv
)
bp.add_url_rule("/events/<int:event_id>/checkin", "checkin", door.checkin, methods=["GET", "POST"])
bp.add_url_rule("/events/<int:event_id>/checkin/outcome", "outcome", door.outcome, methods=["POST"])
bp.add_url_rule(
    "/events/<int:event_id>/checkin/tap", "checkin_tap", door_taps.tap, methods=["POST"]
)
bp.add_url_rule("/events/<int:event_id>/checkin/sheet", "checkin_sheet", door_taps.sheet)
bp.add_url_rule(
    "/events/<int:event_id>/participants.xlsx", "participants_xlsx", organisers.participants_xlsx
)
bp.add_url_rule(
    "/events/<int:event_id>/participants/<int:registration_id>/decision",
    "decide",
    organisers.decide,
    methods=["POST"],
)
bp.add_url_rule(
    "/events/<int:event_id>/participants/write", "write", organisers.write, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/events/<int:event_id>/registration",
    "event_settings",
    organisers.event_settings,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/series/<int:series_id>/registration",
    "series_settings",
    organisers.series_settings,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/series/<int:series_id>/participants", "series_participants", organisers.series_participants
)
bp.add_url_rule(
    "/series/<int:series_id>/participants.csv",
    "series_participants_csv",
    organisers.series_participants_csv,
)
bp.add_url_rule(
    "/series/<int:series_id>/participants.xlsx",
    "series_participants_xlsx",
    organisers.series_participants_xlsx,
)
