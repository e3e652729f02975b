from flask import Blueprint

from . import views

bp = Blueprint("plans", __name__)
bp.add_url_rule("/plans/", "index", views.index)
bp.add_url_rule("/plans/<int:year>", "detail", views.detail)
bp.add_url_rule("/plans/<int:year>/roll", "roll", views.roll, methods=["POST"])
bp.add_url_rule("/plans/<int:year>/publish", "publish", views.publish, methods=["POST"])
