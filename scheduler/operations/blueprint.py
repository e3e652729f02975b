from flask import Blueprint

from . import views

bp = Blueprint("operations", __name__)
bp.add_url_rule("/healthz", "healthz", views.healthz, methods=["GET"])
