"""Forget cached revisions as soon as this process commits a change to events or series.

Every cache of answers derived from events (the feeds', the open API's fast path) registers
its ``forget`` with :func:`watch_commits`; a commit that added, changed or deleted an
``Event`` or ``Series`` through the session calls each of them before the next request.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

_FLAG = "feeds.changed"
_FORGETS = "feeds.forget_on_commit"  # app.extensions key: the registered callbacks
_watching = False


def watch_commits(app, forget: Callable[[], None]) -> None:
    """Call ``forget()`` after each commit of this process that changed events or series."""
    global _watching
    app.extensions.setdefault(_FORGETS, []).append(forget)
    if _watching:
        return
    event.listen(Session, "after_flush", _note_changes)
    event.listen(Session, "after_commit", _forget_revisions)
    event.listen(Session, "after_rollback", _drop_note)
    _watching = True


def _note_changes(session: Session, _context) -> None:
    from ..events.models import Event, Series

    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Event | Series):
            session.info[_FLAG] = True
            return


def _forget_revisions(session: Session) -> None:
    if session.info.pop(_FLAG, False) and has_app_context():
        for forget in current_app.extensions.get(_FORGETS, ()):
            forget()


def _drop_note(session: Session) -> None:
    session.info.pop(_FLAG, None)
