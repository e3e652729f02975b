from flask import Blueprint

from . import views

bp = Blueprint("public", __name__)
bp.add_url_rule("/public", "home", views.home)
bp.add_url_rule("/city/<slug>", "city", views.city)
