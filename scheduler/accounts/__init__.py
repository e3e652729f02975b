"""People who use the app: ELVL staff (all organisations), coordinators (their own), organisers."""

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager


def init_app(app) -> None:
    from ..core.policy import can
    from .models import User

    login_manager.login_view = "accounts.login"
    # Flashed into the session, which holds plain text: translated when flashed.
    login_manager.login_message = _l("Please log in to access this page.")
    login_manager.localize_callback = str
    _secure_cookies(app)
    app.jinja_env.globals["can"] = can

    @login_manager.user_loader
    def _load_user(session_id: str):
        return user_of_session(session_id)

    def user_of_session(session_id: str):
        """The active user whose id and session version are both in the cookie, else None."""
        user_id, _, version = str(session_id).partition(":")
        if not user_id.isdigit() or not version.isdigit() or len(user_id) > 18:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or str(user.session_version) != version:
            return None
        return user


def _secure_cookies(app) -> None:
    """Cookies are Secure whenever the site is served over https (unless configured)."""
    https = str(app.config["BASE_URL"]).lower().startswith("https://")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config[name] is None:
            app.config[name] = https
