"""The series editor: create and change series on the web, with a live preview."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..web.nav import add_nav_link

    add_nav_link(app, "series.index", _l("Series"), count=_nav_series_count)


def _nav_series_count():
    """How many series the signed-in user may edit; None (no link) for those who edit none."""
    from flask_login import current_user
    from sqlalchemy import func, select

    from ..core.policy import ALL, can, organisation_scope
    from ..events.models import Series
    from ..extensions import db

    if not can(current_user, "create_series"):
        return None
    stmt = select(func.count(Series.id))
    scope = organisation_scope(current_user)
    if scope != ALL:
        stmt = stmt.where(Series.organisation_id == scope)
    return db.session.scalar(stmt)
