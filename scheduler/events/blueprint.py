from flask import Blueprint

from . import views

bp = Blueprint("events", __name__)
bp.add_url_rule("/", "index", views.index)
