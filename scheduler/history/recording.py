"""Every change to series, events and indicators is recorded by one session listener.

Nothing has to remember to call it: ``before_flush`` reads the attribute history of the
tracked models (the values before and after) and raises the versions that stale-form checks
compare; ``after_flush`` gathers them per object, so a change spread over several
autoflushes is one record; ``before_commit`` writes one ``change_record`` row per changed
object and actor with one executemany, in the same transaction as the change.

Who made the change comes from :func:`current_actor`: an explicit
:func:`acting_as` (imports, follow-up links, plan loads, jobs), else the signed-in person of
the web request, else the ``flask`` command being run, else "system".

New occurrences of a series (plan loads, imports, the daily expansion create them by the
thousand) are summarised: one record per series and flush, with their count and the first
and last start, instead of one row per occurrence.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..core.localized import flat_name
from ..core.time import utcnow
from .models import ChangeRecord

SYSTEM = "system"
_PENDING = "history.pending"
_ACTOR = "history.actor"
_GATHERED = "history.gathered"
_OWN_VERSIONS = "history.own_versions"


@dataclass(frozen=True)
class Actor:
    """Who changes things now: a readable label and, for a person, their user id."""

    label: str
    user_id: int | None = None


_explicit: ContextVar[Actor | None] = ContextVar("history_actor", default=None)
_INHERIT = object()


@contextmanager
def acting_as(label: str, user_id: Any = _INHERIT) -> Iterator[Actor]:
    """Record the changes made inside the block as ``label``'s. The user id of the actor
    around it (the person who started an import from a page, say) is kept unless given."""
    outer = current_actor()
    actor = Actor(label[:200], outer.user_id if user_id is _INHERIT else user_id)
    token = _explicit.set(actor)
    try:
        yield actor
    finally:
        _explicit.reset(token)


def current_actor() -> Actor:
    explicit = _explicit.get()
    if explicit is not None:
        return explicit
    return _web_actor() or _cli_actor() or Actor(SYSTEM)


def _web_actor() -> Actor | None:
    from flask import has_request_context

    if not has_request_context():
        return None
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return Actor(str(current_user.email)[:200], current_user.id)
    return Actor("web (not signed in)")


def _cli_actor() -> Actor | None:
    """``cli: flask events move``: the command path below the ``flask`` group."""
    import click

    context = click.get_current_context(silent=True)
    if context is None:
        return None
    names = []
    while context.parent is not None:
        names.append(context.info_name or "")
        context = context.parent
    return Actor(" ".join(["cli: flask", *reversed(names)])[:200])


# --- what is tracked ------------------------------------------------------------------------


@dataclass
class Tracked:
    """A model whose changes are recorded: its fields, its relations (recorded as the sorted
    ``key`` of the related rows) and whose ``version`` a change raises."""

    object_type: str
    fields: tuple[str, ...]
    relations: dict[str, str] = field(default_factory=dict)
    versioned: Callable[[Any], Any] | None = None
    summarised_new: bool = False
    # A version the object keeps itself (a series' revision): recorded, never raised here.
    own_version: str | None = None


TRACKED: dict[type, Tracked] = {}


def track(model: type, spec: Tracked) -> None:
    """Record ``model``'s changes. Old values are loaded on change (active history), so a
    value set on an expired attribute still has its "before"."""
    TRACKED[model] = spec
    for name in spec.fields:
        sa_event.listen(getattr(model, name), "set", _noop, active_history=True)


def _noop(*_args) -> None:
    return None


def object_type_of(model: type) -> str:
    return TRACKED[model].object_type


def register_models() -> None:
    from ..events.models import Event, Series
    from ..indicators.models import (
        Indicator,
        IndicatorManualValue,
        IndicatorTarget,
        IndicatorYearClosing,
    )

    if TRACKED:
        return
    track(
        Series,
        Tracked(
            "series",
            (
                "key",
                "plan_id",
                "activity_id",
                "organisation_id",
                "title",
                "description",
                "translations",
                "event_type",
                "languages",
                "location",
                "online_url",
                "organisers",
                "is_public",
                "is_demo",
                "timezone",
                "start_date",
                "start_time",
                "duration_minutes",
                "rule",
                "rdates",
                "exdates",
                "pauses",
                "holiday_policy",
                "bound_start",
                "bound_end",
                "reminder_policy",
                "note",
            ),
            own_version="revision",
        ),
    )
    track(
        Event,
        Tracked(
            "event",
            (
                "original_start",
                "start",
                "end",
                "status",
                "title",
                "location",
                "description",
                "cancel_reason",
                "translations",
                "attendance",
                "notes",
                "in_rule",
            ),
            relations={"participants": "slug"},
            versioned=lambda event: event,
            summarised_new=True,
        ),
    )
    track(
        Indicator,
        Tracked(
            "indicator",
            ("code", "table", "name", "translations", "unit", "rule", "target_scope", "note"),
            versioned=lambda indicator: indicator,
        ),
    )
    track(
        IndicatorTarget,
        Tracked(
            "indicator_target",
            ("year", "kind", "value"),
            versioned=lambda target: target.indicator,
        ),
    )
    track(
        IndicatorManualValue,
        Tracked(
            "indicator_manual_value",
            ("year", "value", "as_of", "evidence"),
            versioned=lambda entry: entry.indicator,
        ),
    )
    track(IndicatorYearClosing, Tracked("indicator_year_closing", ("year", "note")))


# --- values ---------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A column value as JSON: instants in UTC ISO text, dates ISO, decimals as plain text."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)


def _field_change(state, name: str) -> tuple[Any, Any] | None:
    history = state.attrs[name].history
    if not history.has_changes():
        return None
    old = jsonable(history.deleted[0]) if history.deleted else None
    new = jsonable(history.added[0]) if history.added else None
    return None if old == new else (old, new)


def _relation_change(state, name: str, key: str) -> tuple[Any, Any] | None:
    history = state.attrs[name].history
    if not history.has_changes():
        return None
    unchanged = [getattr(o, key) for o in history.unchanged]
    old = sorted(unchanged + [getattr(o, key) for o in history.deleted])
    new = sorted(unchanged + [getattr(o, key) for o in history.added])
    return None if old == new else (old, new)


def diff(obj, spec: Tracked) -> dict[str, list]:
    """field → [old, new] for what changed on a persistent object."""
    state = inspect(obj)
    changes = {}
    for name in spec.fields:
        found = _field_change(state, name)
        if found is None:
            continue
        if name == "translations":
            changes |= _translation_changes(*found)
        else:
            changes[name] = list(found)
    for name, key in spec.relations.items():
        found = _relation_change(state, name, key)
        if found is not None:
            changes[name] = list(found)
    return changes


def _translation_changes(old: dict | None, new: dict | None) -> dict[str, list]:
    """A change of ``translations`` as the texts it changed, by flat name (``title_ru``)."""
    old, new = old or {}, new or {}
    changes = {}
    for text_field in sorted({*old, *new}):
        before, after = old.get(text_field) or {}, new.get(text_field) or {}
        for code in sorted({*before, *after}):
            if before.get(code) != after.get(code):
                changes[flat_name(text_field, code)] = [before.get(code), after.get(code)]
    return changes


def _created(obj, spec: Tracked) -> dict[str, list]:
    values = {name: jsonable(getattr(obj, name)) for name in spec.fields}
    if "translations" in values:
        created = _translation_changes(None, values.pop("translations"))
        values |= {name: new for name, (_old, new) in created.items()}
    return {name: [None, value] for name, value in values.items() if value not in (None, "", [])}


# --- the listener ---------------------------------------------------------------------------


@dataclass
class Pending:
    obj: Any  # the object whose id the record names (known after the flush)
    object_type: str
    action: str
    changes: dict
    version: int | None = None


def _before_flush(session: Session, _context, _instances) -> None:
    pending: list[Pending] = []
    session.info[_PENDING] = pending
    session.info.pop(_ACTOR, None)
    if not TRACKED:
        return
    bumped: set[int] = set()
    with session.no_autoflush:
        for obj in list(session.dirty):
            spec = TRACKED.get(type(obj))
            if spec is None:
                continue
            changes = diff(obj, spec)
            if changes:
                pending.append(
                    Pending(obj, spec.object_type, "changed", changes, _bump(spec, obj, bumped))
                )
        _record_new(session, pending, bumped)
        for obj in list(session.deleted):
            spec = TRACKED.get(type(obj))
            if spec is not None:
                pending.append(Pending(obj, spec.object_type, "deleted", {}))
        if pending:  # read now: a signed-in user may need loading, which is no flush's work
            session.info[_ACTOR] = current_actor()


def _record_new(session: Session, pending: list[Pending], bumped: set[int]) -> None:
    occurrences: dict[int, tuple[Any, list]] = {}
    for obj in list(session.new):
        spec = TRACKED.get(type(obj))
        if spec is None:
            continue
        if spec.summarised_new:
            series = obj.series
            occurrences.setdefault(id(series), (series, []))[1].append(obj)
            continue
        version = _bump(spec, obj, bumped)
        pending.append(Pending(obj, spec.object_type, "created", _created(obj, spec), version))
    for series, events in occurrences.values():
        starts = sorted(jsonable(e.start) for e in events)
        changes = {"occurrences": [None, len(events)], "first": [None, starts[0]]}
        if len(starts) > 1:
            changes["last"] = [None, starts[-1]]
        pending.append(Pending(series, "series", "occurrences", changes))


def _bump(spec: Tracked, obj, bumped: set[int]) -> int | None:
    """Raise the version of the object (or its indicator) once per flush; new ones start at 1."""
    if spec.own_version is not None:
        return getattr(obj, spec.own_version)
    if spec.versioned is None:
        return None
    owner = spec.versioned(obj)
    if owner is None:
        return None
    if id(owner) not in bumped and inspect(owner).persistent:
        owner.version = (owner.version or 1) + 1
        bumped.add(id(owner))
    return owner.version or 1


def _after_flush(session: Session, _context) -> None:
    """Gather the flush's records into the transaction's: one record per object and actor,
    however many flushes (autoflushes) a change takes; written by ``before_commit``."""
    pending: list[Pending] = session.info.pop(_PENDING, None) or []
    actor = session.info.pop(_ACTOR, None) or current_actor()
    if not pending:
        return
    gathered: dict[tuple, dict] = session.info.setdefault(_GATHERED, {})
    for item in pending:
        if item.obj.id is None:
            continue
        kind = "occurrences" if item.action == "occurrences" else "object"
        key = (actor.label, actor.user_id, item.object_type, item.obj.id, kind)
        if kind == "object" and TRACKED[type(item.obj)].own_version is not None:
            # read when written: the object may raise its own version after the change
            session.info.setdefault(_OWN_VERSIONS, {})[key] = item.obj
        if key in gathered:
            _merge(gathered[key], item)
            continue
        gathered[key] = {
            "user_id": actor.user_id,
            "actor": actor.label,
            "object_type": item.object_type,
            "object_id": item.obj.id,
            "action": item.action,
            "changes": dict(item.changes),
            "version": item.version,
        }


def _merge(row: dict, item: Pending) -> None:
    """A later flush's change of the same object: each field keeps its first "before"."""
    changes = dict(row["changes"])
    if item.action == "occurrences":
        starts = [
            value[1]
            for found in (changes, item.changes)
            for name in ("first", "last")
            if (value := found.get(name))
        ]
        changes["occurrences"] = [None, changes["occurrences"][1] + item.changes["occurrences"][1]]
        changes["first"], changes["last"] = [None, min(starts)], [None, max(starts)]
    else:
        for name, (old, new) in item.changes.items():
            before = changes[name][0] if name in changes else old
            if before == new and row["action"] != "created":
                changes.pop(name, None)
            else:
                changes[name] = [before, new]
        if item.action == "deleted":
            row["action"] = "deleted"
    row["changes"] = changes
    row["version"] = item.version or row["version"]


def _before_commit(session: Session) -> None:
    """Write the transaction's records (one executemany), after its last flush."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    gathered: dict[tuple, dict] = session.info.pop(_GATHERED, None) or {}
    for key, obj in (session.info.pop(_OWN_VERSIONS, None) or {}).items():
        if key in gathered:
            gathered[key]["version"] = getattr(obj, TRACKED[type(obj)].own_version)
    now = utcnow()
    rows = [
        {**row, "changed_at": now}
        for row in gathered.values()
        if row["changes"] or row["action"] != "changed"
    ]
    if rows:
        session.connection().execute(ChangeRecord.__table__.insert(), rows)


def _transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed (and written) or rolled back: start afresh
        session.info.pop(_GATHERED, None)
        session.info.pop(_OWN_VERSIONS, None)


def listen(session_class: type[Session]) -> None:
    """Attach the listener to the app's session class (once per process)."""
    register_models()
    if not sa_event.contains(session_class, "before_flush", _before_flush):
        sa_event.listen(session_class, "before_flush", _before_flush)
        sa_event.listen(session_class, "after_flush", _after_flush)
        sa_event.listen(session_class, "before_commit", _before_commit)
        sa_event.listen(session_class, "after_transaction_end", _transaction_end)
