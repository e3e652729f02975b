"""Change records as people read them: localised field names, values in local time, newest
first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Enum, Numeric, Time, and_, func, or_, select
from sqlalchemy import inspect as sa_inspect

from ..core.localized import split_flat_name
from ..core.types import UTCDateTime
from ..events.labels import event_type_label, holiday_label, status_label
from ..extensions import db
from ..localisation import language_name, language_names, page_locale, page_localized, unit_label
from ..recurrence import RuleError
from ..recurrence.describe import describe
from ..recurrence.engine import RecurrenceSpec
from ..web.conflicts import EMPTY
from .models import ChangeRecord
from .recording import TRACKED

PAGE_SIZE = 20

FIELD_LABELS = {
    "key": _l("Key"),
    "plan_id": _l("Plan"),
    "activity_id": _l("Activity"),
    "organisation_id": _l("Organisation"),
    "title": _l("Title"),
    "description": _l("Description"),
    "event_type": _l("Type"),
    "languages": _l("Working languages"),
    "location": _l("Place"),
    "online_url": _l("Online link"),
    "organisers": _l("Organisers"),
    "is_public": _l("Public"),
    "is_demo": _l("Demo data"),
    "timezone": _l("Time zone"),
    "start_date": _l("First date"),
    "start_time": _l("Starts at"),
    "duration_minutes": _l("Duration in minutes"),
    "rule": _l("Recurrence rule"),
    "rdates": _l("Extra dates"),
    "exdates": _l("Excluded dates"),
    "pauses": _l("Pauses"),
    "holiday_policy": _l("Public holidays"),
    "bound_start": _l("Earliest date"),
    "bound_end": _l("Latest date"),
    "reminder_policy": _l("Reminders"),
    "note": _l("Note"),
    "original_start": _l("Time in the series"),
    "start": _l("Start"),
    "end": _l("End"),
    "status": _l("Status"),
    "attendance": _l("Attendance"),
    "notes": _l("Notes"),
    "cancel_reason": _l("Reason for cancelling"),
    "in_rule": _l("Produced by the rule"),
    "participants": _l("Participating local governments"),
    "code": _l("Code"),
    "table": _l("Table"),
    "name": _l("Name"),
    "unit": _l("Unit"),
    "target_scope": _l("Target scope"),
    "year": _l("Year"),
    "kind": _l("Kind"),
    "value": _l("Value"),
    "as_of": _l("As of"),
    "evidence": _l("Evidence"),
    "occurrences": _l("New occurrences"),
    "first": _l("First"),
    "last": _l("Last"),
}

ACTION_LABELS = {
    "created": _l("Created"),
    "changed": _l("Changed"),
    "deleted": _l("Deleted"),
    "occurrences": _l("Occurrences planned"),
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One change as shown: when (local time), who, what, and each field's old → new."""

    when: str
    when_iso: str
    who: str
    what: str
    fields: list[FieldChange]


@dataclass
class HistoryPage:
    entries: list[Entry]
    page: int
    pages: int
    total: int

    @property
    def has_older(self) -> bool:
        return self.page < self.pages


# --- which records belong to an object -----------------------------------------------------


def _condition(obj):
    from ..indicators.models import Indicator, IndicatorManualValue, IndicatorTarget

    object_type = TRACKED[type(obj)].object_type
    own = and_(ChangeRecord.object_type == object_type, ChangeRecord.object_id == obj.id)
    if not isinstance(obj, Indicator):
        return own
    targets = select(IndicatorTarget.id).where(IndicatorTarget.indicator_id == obj.id)
    values = select(IndicatorManualValue.id).where(IndicatorManualValue.indicator_id == obj.id)
    return or_(
        own,
        and_(ChangeRecord.object_type == "indicator_target", ChangeRecord.object_id.in_(targets)),
        and_(
            ChangeRecord.object_type == "indicator_manual_value",
            ChangeRecord.object_id.in_(values),
        ),
        ChangeRecord.object_type == "indicator_year_closing",
    )


def history_page(obj, page: int = 1, size: int = PAGE_SIZE) -> HistoryPage:
    """The object's changes, newest first, page ``page`` (1-based) of ``size``."""
    condition = _condition(obj)
    total = int(db.session.scalar(select(func.count(ChangeRecord.id)).where(condition)) or 0)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    records = db.session.scalars(
        select(ChangeRecord)
        .where(condition)
        .order_by(ChangeRecord.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return HistoryPage(entries(records), page, pages, total)


def records_since(obj, version: int | None) -> list[Entry]:
    """What was recorded on ``obj`` after its ``version`` (for the conflict page); without
    one, its latest changes."""
    records = db.session.scalars(
        select(ChangeRecord)
        .where(_condition(obj), ChangeRecord.version > (version or 0))
        .order_by(ChangeRecord.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    return entries(records)


# --- records as entries ------------------------------------------------------------------


def entries(records: list[ChangeRecord]) -> list[Entry]:
    names = _Names(records)
    return [
        Entry(
            when=format_datetime(record.changed_at, "d MMM y, HH:mm"),
            when_iso=record.changed_at.isoformat(),
            who=record.actor,
            what=_what(record, names),
            fields=[
                FieldChange(
                    field_label(name),
                    names.value(record, name, old),
                    names.value(record, name, new),
                )
                for name, (old, new) in (record.changes or {}).items()
            ],
        )
        for record in records
    ]


def _what(record: ChangeRecord, names: _Names) -> str:
    action = str(ACTION_LABELS.get(record.action, record.action))
    if record.object_type == "indicator_target":
        target = names.target(record.object_id)
        if target is not None:
            which = _("Target %(year)s", year=target.year)
            if target.kind == "final":
                which = _("Final target %(year)s", year=target.year)
            return f"{which}: {action}"
    if record.object_type == "indicator_manual_value":
        year = (record.changes or {}).get("year", [None, None])[1]
        return _("Value recorded for %(year)s", year=year) if year else action
    if record.object_type == "indicator_year_closing":
        year = (record.changes or {}).get("year", [None, None])[1]
        return _("Year %(year)s closed", year=year) if year else action
    return action


@cache
def _kinds(object_type: str) -> dict[str, str]:
    model = next(m for m, spec in TRACKED.items() if spec.object_type == object_type)
    kinds = {column.key: _kind_of(column.type) for column in sa_inspect(model).columns}
    kinds.update(first="datetime", last="datetime")
    return kinds


# How a column's recorded value reads, by the column's type (the first that matches).
COLUMN_KINDS = (
    (UTCDateTime, "datetime"),
    (Date, "date"),
    (Time, "time"),
    (Boolean, "bool"),
    (Numeric, "number"),
    (Enum, "enum"),
)


def _kind_of(column_type) -> str:
    return next((kind for type_, kind in COLUMN_KINDS if isinstance(column_type, type_)), "text")


class _Names:
    """Ids in records turned into names, each kind read with one query per page."""

    def __init__(self, records: list[ChangeRecord]) -> None:
        self._records = records
        self._cache: dict[str, dict] = {}

    def _lookup(self, kind: str) -> dict:
        if kind not in self._cache:
            self._cache[kind] = self._load(kind)
        return self._cache[kind]

    def _ids(self, *fields: str) -> set:
        found = set()
        for record in self._records:
            for name in fields:
                for value in (record.changes or {}).get(name, ()):
                    if isinstance(value, list):
                        found.update(value)
                    elif value is not None:
                        found.add(value)
        return found

    def _load(self, kind: str) -> dict:
        from ..events.models import Series
        from ..indicators.models import IndicatorTarget
        from ..organisations.models import Organisation
        from ..plans.models import Activity, Plan

        if kind == "organisation":
            ids = self._ids("organisation_id")
            rows = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
            return {row.id: page_localized(row, "name") for row in rows}
        if kind == "kov":
            slugs = self._ids("participants")
            rows = db.session.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))
            return {row.slug: page_localized(row, "name") for row in rows}
        if kind == "series":
            ids = {r.object_id for r in self._records if r.object_type == "series"}
            return {
                row.id: row for row in db.session.scalars(select(Series).where(Series.id.in_(ids)))
            }
        if kind == "activity":
            ids = self._ids("activity_id")
            rows = db.session.scalars(select(Activity).where(Activity.id.in_(ids)))
            return {row.id: row.code for row in rows}
        if kind == "plan":
            ids = self._ids("plan_id")
            rows = db.session.scalars(select(Plan).where(Plan.id.in_(ids)))
            return {row.id: str(row.year) for row in rows}
        if kind == "target":
            ids = {r.object_id for r in self._records if r.object_type == "indicator_target"}
            rows = db.session.scalars(select(IndicatorTarget).where(IndicatorTarget.id.in_(ids)))
            return {row.id: row for row in rows}
        return {}

    def target(self, target_id: int):
        return self._lookup("target").get(target_id)

    def value(self, record: ChangeRecord, name: str, value: Any) -> str:
        """A recorded value as people read it: names for ids and slugs, labels for codes,
        the rule described in words, other values in the page's language and local time."""
        if value is None or value == "" or value == []:
            return EMPTY
        if name in LOOKED_UP:
            return str(self._lookup(LOOKED_UP[name]).get(value, value))
        if name == "participants":
            kovs = self._lookup("kov")
            return ", ".join(kovs.get(slug, slug) for slug in value)
        if name in CODE_LABELS:
            return CODE_LABELS[name](value)
        if name == "rule" and record.object_type == "series":
            return self._rule_text(record.object_id, value)
        return format_value(_kinds(record.object_type).get(name, "text"), value)

    def _rule_text(self, series_id: int, rule: str) -> str:
        """The rule in words, as the series page says it (from the series' first date and
        time); the rule text itself when the series is gone or the rule cannot be read."""
        from ..events.expansion import spec_for

        series = self._lookup("series").get(series_id)
        if series is None:
            return rule
        spec = spec_for(series)
        bare = RecurrenceSpec(start=spec.start, duration=spec.duration, rule=rule, tz=spec.tz)
        try:
            return describe(bare, page_locale())
        except (RuleError, ValueError):
            return rule


# Columns that hold the id of a row with a name, and the kind of that row.
LOOKED_UP = {"organisation_id": "organisation", "activity_id": "activity", "plan_id": "plan"}


# Columns that hold a code, and the label a reader sees for it.
CODE_LABELS = {
    "status": status_label,
    "event_type": event_type_label,
    "holiday_policy": holiday_label,
    "unit": unit_label,
    "languages": lambda codes: language_names(codes) if isinstance(codes, list) else str(codes),
}


def format_value(kind: str, value: Any) -> str:
    """A recorded JSON value of a column ``kind`` in the page's language and local time."""
    if value is None or value == "" or value == []:
        return EMPTY
    try:
        if kind == "datetime":
            return format_datetime(datetime.fromisoformat(value), "d MMM y, HH:mm")
        if kind == "date":
            return format_date(date.fromisoformat(value), "d MMM y")
        if kind == "time":
            return time.fromisoformat(value).strftime("%H:%M")
    except (TypeError, ValueError):
        return str(value)
    if kind == "bool" or isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def field_label(name: str) -> str:
    """The label of a recorded field; a text in another language names its language."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    split = split_flat_name(name)
    if split and split[0] in FIELD_LABELS:
        field, code = split
        # a text in another language than the official one: "Title (Russian)"
        return _(
            "%(field)s (%(language)s)", field=FIELD_LABELS[field], language=language_name(code)
        )
    return name
