from flask import Blueprint

from . import people, settings, views

bp = Blueprint("accounts", __name__, url_prefix="/account")
bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/forgot", "forgot_password", views.forgot_password, methods=["GET", "POST"])
bp.add_url_rule("/reset/<token>", "reset_password", views.reset_password, methods=["GET", "POST"])
bp.add_url_rule(
    "/invitation/<token>", "accept_invitation", views.accept_invitation, methods=["GET", "POST"]
)
bp.add_url_rule("/first-admin/<token>", "first_admin", views.first_admin, methods=["GET", "POST"])

bp.add_url_rule("/", "account", settings.account)
bp.add_url_rule("/preferences", "save_preferences", settings.save_preferences, methods=["POST"])
bp.add_url_rule("/password", "save_password", settings.save_password, methods=["POST"])
bp.add_url_rule("/feeds", "create_feed_link", settings.create_feed_link, methods=["POST"])

bp.add_url_rule("/people", "people", people.people)
_POSTED = (
    ("/feeds/<int:token_id>/revoke", "revoke_feed_link", settings.revoke_feed_link),
    ("/people/invite", "invite_person", people.invite_person),
    ("/people/<int:user_id>/role", "change_role", people.change_role),
    ("/people/<int:user_id>/deactivate", "deactivate_person", people.deactivate_person),
    ("/people/<int:user_id>/reactivate", "reactivate_person", people.reactivate_person),
)
for _rule, _endpoint, _view in _POSTED:
    bp.add_url_rule(_rule, _endpoint, _view, methods=["POST"])
