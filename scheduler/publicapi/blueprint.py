from flask import Blueprint

from . import views

bp = Blueprint("publicapi", __name__)
bp.add_url_rule("/api/events", "events", views.events)
bp.add_url_rule("/api/events/<event_id>", "event", views.event)
bp.add_url_rule("/events/<event_id>.ics", "event_ics", views.event_ics)
bp.add_url_rule("/api/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/robots.txt", "robots", views.robots)
bp.add_url_rule("/sitemap.xml", "sitemap", views.sitemap)
