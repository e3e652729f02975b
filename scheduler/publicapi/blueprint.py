from flask import Blueprint

from . import views

bp = Blueprint("publicapi", __name__)
API = ["GET", "OPTIONS"]  # OPTIONS: CORS preflight (a script sending If-None-Match)

bp.add_url_rule("/api/events", "events", views.events, methods=API)
bp.add_url_rule("/api/events/<event_id>", "event", views.event, methods=API)
bp.add_url_rule("/events/<event_id>.ics", "event_ics", views.event_ics, methods=API)
bp.add_url_rule("/api/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/robots.txt", "robots", views.robots)
bp.add_url_rule("/sitemap.xml", "sitemap", views.sitemap)
