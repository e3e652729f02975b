"""Forget cached feed revisions as soon as this process commits a change to events or series."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

_FLAG = "feeds.changed"
_watching = False


def watch_commits() -> None:
    global _watching
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
        cache = current_app.extensions.get("feeds.cache")
        if cache is not None:
            cache.forget_fingerprints()


def _drop_note(session: Session) -> None:
    session.info.pop(_FLAG, None)
