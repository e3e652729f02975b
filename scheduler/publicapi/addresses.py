"""The site's absolute addresses and languages as the open API and the widget give them."""

from __future__ import annotations

from flask import current_app, url_for


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


_SENTINEL = 987654321  # an id whose digits appear nowhere else in the built address


def url_builder(endpoint: str, **query: str):
    """``event_id -> absolute URL`` from one ``url_for`` call (a page of items would
    otherwise spend more time building addresses than reading rows); ``query`` is added to
    every address (``lang``: the page opens in the list's language)."""
    head, _sep, tail = (base_url() + url_for(endpoint, event_id=_SENTINEL, **query)).partition(
        str(_SENTINEL)
    )
    return lambda event_id: f"{head}{event_id}{tail}"
