"""Import of external calendars (.ics): their events become ordinary series and events.

Settings (``CALENDARS_*``) live in config.py."""

from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..web.nav import add_nav_link

    add_nav_link(app, "calendars.index", _l("Imported calendars"), action="manage_calendars")
