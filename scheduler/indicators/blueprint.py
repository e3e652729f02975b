from flask import Blueprint

from . import views

bp = Blueprint("indicators", __name__)
bp.add_url_rule("/indicators/", "index", views.index)
bp.add_url_rule("/indicators/report.csv", "report_csv", views.report_csv)
bp.add_url_rule("/indicators/report.xlsx", "report_xlsx", views.report_xlsx)
bp.add_url_rule("/indicators/report.json", "report_json", views.report_json)
bp.add_url_rule("/indicators/<code>", "detail", views.detail)
bp.add_url_rule("/indicators/<code>/value", "set_value", views.set_value, methods=["POST"])
bp.add_url_rule("/indicators/<code>/target", "revise_target", views.revise_target, methods=["POST"])
bp.add_url_rule("/indicators/year/close", "close_year", views.close_year, methods=["POST"])
bp.add_url_rule("/api/indicators", "api_index", views.api_index)
bp.add_url_rule("/api/indicators/<code>/events", "api_events", views.api_events)
