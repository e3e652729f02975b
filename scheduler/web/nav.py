"""Small helpers shared by the features' web views."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, has_request_context, request

log = logging.getLogger(__name__)


def add_nav_link(
    app: Flask,
    endpoint: str,
    label,
    count: Callable[[], int | bool | None] | None = None,
    *,
    action: str | None = None,
) -> None:
    """Show a link in the page header; ``label`` should be a lazy_gettext string.

    ``count``, if given, is called per page: None hides the link (e.g. not signed in),
    True shows it, a number is shown next to the label. Keep it to one cheap query.
    ``action``: the link is shown only to those the policy lets do it (a visitor sees only
    what a visitor can use).
    """
    if action is not None and count is None:
        count = _allowed(action)
    app.extensions.setdefault("scheduler.nav", []).append((endpoint, label))
    if count is not None:
        app.extensions.setdefault("scheduler.nav_counts", {})[endpoint] = count


def _allowed(action: str) -> Callable[[], bool | None]:
    def shown() -> bool | None:
        from flask_login import current_user

        from ..core.policy import can

        return True if can(current_user, action) else None

    return shown


def nav_links(app: Flask) -> list:
    return app.extensions.get("scheduler.nav", [])


def nav_count(app: Flask, endpoint: str) -> tuple[bool, int | None]:
    """(whether the link is shown, the number next to it or None), counted once per request:
    the header renders its navigation twice (the phone menu and the wide bar)."""
    counter = app.extensions.get("scheduler.nav_counts", {}).get(endpoint)
    if counter is None:
        return True, None
    if not has_request_context():
        return _counted(counter, endpoint)
    # Kept in the request, not in g: an app context may outlive several requests.
    counted = request.environ.setdefault("scheduler.nav_counts", {})
    if endpoint not in counted:
        counted[endpoint] = _counted(counter, endpoint)
    return counted[endpoint]


def remember_nav_count(endpoint: str, value: int | None) -> None:
    """A page that has just counted what its header link counts (e.g. the worklist its
    length) hands the number on, so that the header does not count it again."""
    if has_request_context():
        counted = request.environ.setdefault("scheduler.nav_counts", {})
        counted[endpoint] = (value is not None, value)


def _counted(counter: Callable[[], int | None], endpoint: str) -> tuple[bool, int | None]:
    try:
        value = counter()
    except Exception:  # noqa: BLE001 - a header count must never break a page (or an error page)
        log.exception("navigation count for %s failed", endpoint)
        return False, None
    if value is True:  # shown, without a number
        return True, None
    return value is not None, value
