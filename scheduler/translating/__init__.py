"""The translations worklist (issue 18): what a coordinator's public texts lack in each of
the site's languages (series titles and descriptions, cancellation reasons, organisation
names), soonest events first, each row filled in place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from ..web.nav import add_nav_link

    add_nav_link(app, "translating.index", _l("Translations"), action="translate")
