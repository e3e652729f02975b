"""The language of an answer that keeps no session (the open API, the widget, news feeds)."""

from __future__ import annotations

from flask import current_app, request


def negotiated_language() -> str:
    """Accept-Language among the site's languages, else the configured default."""
    return (
        request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
