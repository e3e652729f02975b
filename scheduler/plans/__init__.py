"""Yearly action plans: activities with codes, series with cadences, indicators with targets."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..web.nav import add_nav_link

    add_nav_link(app, "plans.index", _l("Plans"), action="view_plans")
