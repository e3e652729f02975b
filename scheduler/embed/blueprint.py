from flask import Blueprint

from . import views

bp = Blueprint("embed", __name__)
bp.add_url_rule("/embed.js", "script", views.script)
bp.add_url_rule("/embed/events", "events", views.events)
