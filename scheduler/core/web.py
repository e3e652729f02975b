"""Small helpers shared by the features' web views."""

from __future__ import annotations

from flask import Flask


def add_nav_link(app: Flask, endpoint: str, label) -> None:
    """Show a link in the page header; ``label`` should be a lazy_gettext string."""
    app.extensions.setdefault("scheduler.nav", []).append((endpoint, label))


def nav_links(app: Flask) -> list:
    return app.extensions.get("scheduler.nav", [])
