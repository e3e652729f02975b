from flask import Blueprint

from . import views

bp = Blueprint("accounts", __name__, url_prefix="/account")
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
