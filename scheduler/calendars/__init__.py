"""Import of external calendars (.ics): their events become ordinary series and events."""

from __future__ import annotations

import os

DEFAULTS = {
    "CALENDARS_MAX_BYTES": 5 * 1024 * 1024,  # a larger body is refused
    "CALENDARS_TIMEOUT": 20.0,  # seconds for the whole download
    "CALENDARS_DAYS_BACK": 400,  # imported occurrences start this far back
    "CALENDARS_REFRESH_MINUTES": 360,  # the refresh job re-reads a calendar this often
}


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..core.web import add_nav_link

    for name, default in DEFAULTS.items():
        raw = os.environ.get(name)
        app.config.setdefault(name, type(default)(raw) if raw is not None else default)
    add_nav_link(app, "calendars.index", _l("Imported calendars"))
