"""Pages (and page parts) one feature offers at addresses another feature owns.

The calendar at ``/`` and an event's page ``/events/<id>`` belong to the workspace for
signed-in people and to the public site for visitors. The public site offers its pages here
when it starts and the workspace's views ask for them by name, so that neither feature
imports the other's views and the ground never imports a feature.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app

PUBLIC_HOME = "public.home"
PUBLIC_EVENT_PAGE = "public.event_page"
SHARE_TEXTS = "public.share_texts"


def offer(app: Flask, name: str, view: Callable) -> None:
    app.extensions.setdefault("scheduler.pages", {})[name] = view


def offered(name: str) -> Callable:
    """What a feature offered under ``name``; 404 when no feature offers it."""
    view = current_app.extensions.get("scheduler.pages", {}).get(name)
    if view is None:
        abort(404)
    return view
