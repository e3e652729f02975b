"""What the public is told about an occurrence's registration: ``{state, places_left, url}``.
The same object on the public event page and in /api/events items; it never names anyone."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ..core.time import utcnow
from ..events.models import Event
from ..extensions import db
from . import rules
from .models import RegistrationMode, RegistrationSettings
from .service import confirmed_count, opening_for

_CACHE = "scheduler.registration_settings_on"


def registration_of_event(event: Event) -> dict:
    """The API's object, on every event: one that takes no registrations is ``closed``."""
    url = _site() + _register_path(event.id)
    if not _may_take_registrations(event):
        return {"state": rules.STATE_CLOSED, "places_left": None, "url": url}
    availability = rules.availability(opening_for(event), utcnow(), confirmed_count(event.id))
    return {"state": availability.state, "places_left": availability.places_left, "url": url}


def registration_on_page(event: Event) -> dict | None:
    """The public event page's section: None (no section) when registration is not on."""
    return registration_of_event(event) if _may_take_registrations(event) else None


def _may_take_registrations(event: Event) -> bool:
    """Cheap for the many events without registration: the settings that are on are read
    once per request (a list of events asks this of each)."""
    series_ids, event_ids = _settings_on()
    return event.id in event_ids or event.series_id in series_ids


def _settings_on() -> tuple[frozenset[int], frozenset[int]]:
    cached = request.environ.get(_CACHE) if has_request_context() else None
    if cached is None:
        rows = db.session.execute(
            select(RegistrationSettings.series_id, RegistrationSettings.event_id).where(
                RegistrationSettings.mode != RegistrationMode.OFF
            )
        ).all()
        cached = (
            frozenset(s for s, _e in rows if s is not None),
            frozenset(e for _s, e in rows if e is not None),
        )
        if has_request_context():
            request.environ[_CACHE] = cached
    return cached


def _site() -> str:
    """Links name the configured site (BASE_URL), as the API's other links do."""
    return current_app.config["BASE_URL"].rstrip("/")


def _register_path(event_id: int) -> str:
    """Built from the URL map, so that items are made outside a request too (exports)."""
    adapter = current_app.url_map.bind("localhost")
    return adapter.build("registrations.register", {"event_id": event_id})
