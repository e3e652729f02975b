from flask import Blueprint

from . import views

bp = Blueprint("translating", __name__)
bp.add_url_rule("/translations", "index", views.index, methods=["GET"])
bp.add_url_rule("/translations", "fill", views.fill, methods=["POST"])
