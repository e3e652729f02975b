"""Registration and attendance: people sign up for an occurrence, confirm by mail, wait for
a place, and are checked in at the door (issue 17).

Settings (``REGISTRATION_*``) live in config.py. The rules that decide who holds a place are
pure (``rules.py``); the service applies them under a lock on the event row, so that no
occurrence is overbooked however many confirmations arrive at once.
"""

from __future__ import annotations


def init_app(app) -> None:
    from .notices import connect_signals
    from .presentation import registration_on_page

    connect_signals()

    app.jinja_env.globals["registration_on_page"] = registration_on_page
