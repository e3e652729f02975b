"""Reminders and follow-ups: an outbox planned from occurrence changes, sent by one dispatcher."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from ..web.nav import add_nav_link
    from .planning import connect_signals

    connect_signals()
    add_nav_link(app, "reminders.index", _l("Reminders"), action="see_reminders")
