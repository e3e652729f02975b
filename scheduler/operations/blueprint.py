from flask import Blueprint

from . import views

bp = Blueprint("operations", __name__)
bp.add_url_rule("/healthz", "healthz", views.healthz, methods=["GET"])
bp.add_url_rule("/healthz/jobs", "healthz_jobs", views.healthz_jobs, methods=["GET"])
