"""People who use the app: ELVL staff (all organisations), coordinators (their own), organisers."""

from ..extensions import db, login_manager


def init_app(app) -> None:
    from .models import User

    login_manager.login_view = "accounts.login"

    @login_manager.user_loader
    def _load_user(user_id: str):
        return db.session.get(User, int(user_id))
