"""Indicators of the plan and their targets; held events count toward them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..events import signals
    from ..web.nav import add_nav_link
    from .service import refuse_outcome_in_closed_year

    signals.outcome_recording.connect(refuse_outcome_in_closed_year)
    add_nav_link(app, "indicators.index", _l("Indicators"))
