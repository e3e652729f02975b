"""Mirror upstream events as series and events, matched by UID and RECURRENCE-ID.

Each upstream UID owns one series whose occurrences are exactly the upstream ones (its
start plus RDATEs, no rule of its own), so the ordinary expansion creates and withdraws
rows and the ordinary services move, cancel, restore and retitle them — reminders and
feeds hear about every change the usual way. An occurrence that already has an outcome
is a fact and is never moved or cancelled by an import.

The whole import runs in one transaction: any error leaves the existing data untouched.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload, selectinload

from ..core.time import utcnow, zone
from ..events.expansion import CreationBatch, expand_series, rule_limits
from ..events.models import Event, EventStatus, Series
from ..events.service import (
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from ..extensions import db
from ..history.recording import acting_as
from .clean import Warnings, header_value, single_line
from .fetch import Limits, SourcePolicy, fetch, has_scheme, is_url, parse_source
from .models import ImportedCalendar, ImportedSeries
from .parse import Budget, CalendarImportError, ImportWindow, UpstreamEvent, parse_calendar

CANCELLED_UPSTREAM = "cancelled in the source calendar"
REMOVED_UPSTREAM = "removed from the source calendar"
CALENDAR_REMOVED = "the imported calendar was removed"
SOURCE_MAX = 1000  # ImportedCalendar.source
IMPORT_FAILED = "the import failed; the details are in the server's log"
ERROR_MAX = 2000  # of ImportedCalendar.last_error (Text): enough for a person
NAME_MAX = 200  # ImportedCalendar.name
ETAG_MAX, LAST_MODIFIED_MAX = 300, 100  # ImportedCalendar.http_etag, http_last_modified


@dataclass
class ImportReport:
    created_series: int = 0
    updated_series: int = 0
    removed_series: int = 0
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    restored: int = 0
    retitled: int = 0
    unchanged: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (
            self.created_series
            + self.updated_series
            + self.removed_series
            + self.created
            + self.moved
            + self.cancelled
            + self.restored
            + self.retitled
        )

    def summary(self) -> str:
        if self.unchanged:
            return "unchanged since the last download"
        return (
            f"{self.created_series} new and {self.updated_series} changed upstream events, "
            f"{self.removed_series} removed; occurrences: {self.created} new, {self.moved} moved, "
            f"{self.cancelled} cancelled, {self.restored} restored, {self.retitled} retitled"
        )


def import_window(now: datetime | None = None) -> ImportWindow:
    now = now or utcnow()
    config = current_app.config
    today = now.astimezone(zone(config["TIMEZONE"])).date()
    start = datetime.combine(
        today - timedelta(days=config["CALENDARS_DAYS_BACK"]),
        datetime.min.time(),
        tzinfo=zone(config["TIMEZONE"]),
    )
    return ImportWindow(start.astimezone(UTC), now + relativedelta(months=config["HORIZON_MONTHS"]))


def source_policy() -> SourcePolicy:
    """The one rule for which addresses an import may reach, from the settings."""
    config = current_app.config
    return SourcePolicy(
        allow_private=bool(config["CALENDARS_ALLOW_PRIVATE_HOSTS"]),
        allowed_ports=frozenset(int(port) for port in config["CALENDARS_ALLOWED_PORTS"]),
        allowed_networks=tuple(
            ipaddress.ip_network(net, strict=False) for net in config["CALENDARS_ALLOWED_NETWORKS"]
        ),
    )


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_bytes=int(config["CALENDARS_MAX_BYTES"]),
        timeout=float(config["CALENDARS_TIMEOUT"]),
        policy=source_policy(),
    )


def refresh_calendar(
    calendar: ImportedCalendar,
    *,
    data: bytes | None = None,
    allow_files: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Download (or take ``data``), parse and mirror one calendar, committing the result.

    On error the data stays as it was, the calendar records the error, and
    CalendarImportError is raised with the reason."""
    now = now or utcnow()
    calendar_id = calendar.id
    try:
        with acting_as(import_label(calendar)):
            report = _refresh(calendar, data, allow_files, now)
            db.session.flush()  # the import's changes are recorded as the import's
    except Exception as error:
        db.session.rollback()
        # an unexpected error's text may name server paths: it goes to the log only
        message = str(error) if isinstance(error, CalendarImportError) else IMPORT_FAILED
        # upstream text may be quoted in the message: it must be storable and one line
        message = single_line(message, ERROR_MAX, "", Warnings()) or "import failed"
        current_app.logger.warning(
            "calendar %s: %s",
            calendar_id,
            message,
            exc_info=error.__cause__ is not None or not isinstance(error, CalendarImportError),
        )
        calendar = db.session.get(ImportedCalendar, calendar_id)
        calendar.last_checked_at, calendar.last_status, calendar.last_error = now, "error", message
        db.session.commit()
        raise CalendarImportError(message) from error
    calendar.last_checked_at = calendar.last_success_at = now
    calendar.last_status = "unchanged" if report.unchanged else "ok"
    calendar.last_error = None
    db.session.commit()
    current_app.logger.info("calendar %s: %s", calendar_id, report.summary())
    return report


def import_label(calendar: ImportedCalendar) -> str:
    """Who the history names for an import's changes: "import: <calendar>"."""
    return f"import: {calendar.name or calendar.masked_source}"


def _refresh(
    calendar: ImportedCalendar, data: bytes | None, allow_files: bool, now: datetime
) -> ImportReport:
    if data is None:
        fetched = fetch(
            calendar.source,
            limits(),
            etag=calendar.http_etag,
            last_modified=calendar.http_last_modified,
            allow_files=allow_files,
        )
        if fetched.body is None:
            return ImportReport(unchanged=True)
        data = fetched.body
        calendar.http_etag = header_value(fetched.etag, ETAG_MAX)
        calendar.http_last_modified = header_value(fetched.last_modified, LAST_MODIFIED_MAX)
    elif len(data) > limits().max_bytes:
        raise CalendarImportError(
            f"the calendar is larger than the limit of {limits().max_bytes // 1024} KiB"
        )
    window = import_window(now)
    config = current_app.config
    parsed = parse_calendar(
        data,
        window,
        config["TIMEZONE"],
        budget=Budget.start(float(config["CALENDARS_IMPORT_DEADLINE_SECONDS"])),
        limits=rule_limits(
            max_per_save=int(config["CALENDARS_MAX_OCCURRENCES"]),
            per_save_setting="CALENDARS_MAX_OCCURRENCES",
            deadline_setting="CALENDARS_IMPORT_DEADLINE_SECONDS",
        ),
    )
    report = apply_upstream(calendar, parsed.events, now, window)
    calendar.content_hash = hashlib.sha256(data).hexdigest()
    calendar.event_count = len(parsed.events)
    calendar.import_warnings = parsed.warnings
    return report


def apply_upstream(
    calendar: ImportedCalendar, upstream: list[UpstreamEvent], now: datetime, window: ImportWindow
) -> ImportReport:
    """Set-based: the calendar's links, series and rows are read in a few queries up front,
    new series, links and rows are written by one flush, and only rows that change upstream
    cost anything more (the services and their signals, one row at a time)."""
    report = ImportReport()
    links = _links_of(calendar)
    rows = _rows_by_series(calendar)
    horizon = now + relativedelta(months=current_app.config["HORIZON_MONTHS"])
    batch = CreationBatch()
    mirrored = []
    new_series: list[Series] = []
    for event in upstream:
        link = links.pop(event.uid, None)
        if link is None:
            link = _new_link(calendar, event)
            new_series.append(link.series)
            report.created_series += 1
        elif _update_series(link, event, now) or link.is_deleted:
            report.updated_series += 1
        # set only what changes: an unchanged link stays clean and costs the flush nothing
        if link.is_deleted:
            link.is_deleted = False
        if link.is_recurring != event.is_recurring:
            link.is_recurring = event.is_recurring
        expansion = expand_series(
            link.series,
            max(horizon, event.occurrences[-1].start + timedelta(days=1)),
            existing=rows.get(link.series_id, ()),
            batch=batch,
        )
        report.created += expansion.created
        report.cancelled += expansion.withdrawn
        mirrored.append((link, event))
    _number_new_rows(calendar, new_series, batch.events)
    for row in batch.announce():  # one flush: the new series, links and rows
        rows.setdefault(row.series_id, []).append(row)
    for link, event in mirrored:
        _sync_occurrences(rows.get(link.series_id, ()), event, link.series, window, report)
    for link in links.values():
        if not link.is_deleted:
            _remove(link, rows.get(link.series_id, ()), window, report)
    db.session.flush()
    return report


def _number_new_rows(calendar: ImportedCalendar, series: list[Series], events: list[Event]) -> None:
    """Give the new rows their ids up front (one query per table), so that the flush
    inserts them with one plain executemany per table: with ids to fetch back, SQLite
    would insert one row per statement, and PostgreSQL's driver would parse every
    parameter of each thousand-row INSERT … RETURNING in Python."""
    if not (series or events):
        return
    dialect = db.session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        return
    with db.session.no_autoflush:  # the rows are not written yet: that is the point
        if dialect == "sqlite":
            # Take the database's write lock now (a write to this calendar's row): no other
            # writer can insert, and so take these numbers, before this transaction ends.
            db.session.execute(
                text("UPDATE imported_calendar SET event_count = event_count WHERE id = :id"),
                {"id": calendar.id},
            )
        for rows, table in ((series, Series.__table__), (events, Event.__table__)):
            if rows:
                for row, number in zip(rows, _new_ids(dialect, table.name, len(rows)), strict=True):
                    row.id = number


def _new_ids(dialect: str, table: str, count: int) -> list[int]:
    if dialect == "postgresql":
        return sorted(
            db.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table, "n": count},
            )
        )
    # SQLite numbers a row max(id) + 1 (no AUTOINCREMENT): the same, ahead of the insert
    last = db.session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: S608
    return list(range(last + 1, last + 1 + count))


def _links_of(calendar: ImportedCalendar) -> dict[str, ImportedSeries]:
    """The calendar's links by UID, with their series: one query."""
    if calendar.id is None:
        return {}
    found = db.session.scalars(
        select(ImportedSeries)
        .where(ImportedSeries.calendar_id == calendar.id)
        .options(joinedload(ImportedSeries.series))
    )
    return {link.uid: link for link in found}


def _rows_by_series(calendar: ImportedCalendar) -> dict[int, list[Event]]:
    """Every row of the calendar's series (with what has_outcome reads), by series id:
    one query, plus one per 500 rows for their participants."""
    if calendar.id is None:
        return {}
    found = db.session.scalars(
        select(Event)
        .join(ImportedSeries, ImportedSeries.series_id == Event.series_id)
        .where(ImportedSeries.calendar_id == calendar.id)
        .order_by(Event.series_id, Event.original_start)
        .options(selectinload(Event.participants))
    )
    rows: dict[int, list[Event]] = {}
    for row in found:
        rows.setdefault(row.series_id, []).append(row)
    return rows


def _series_fields(event: UpstreamEvent) -> dict:
    tz = zone(event.tz)
    first = event.occurrences[0].original_start.astimezone(tz)
    rest = [o.original_start.astimezone(tz) for o in event.occurrences[1:]]
    return {
        "title": event.summary[:300],
        "description": event.description,
        "location": (event.location or None) and event.location[:300],
        "online_url": (event.url or None) and event.url[:500],
        "is_public": event.is_public,
        "timezone": event.tz,
        "start_date": first.date(),
        "start_time": first.timetz().replace(tzinfo=None),
        "duration_minutes": max(1, round(event.duration.total_seconds() / 60)),
        "rule": None,
        "rdates": [moment.replace(tzinfo=None).isoformat() for moment in rest],
        "exdates": [],
        "pauses": [],
        "holiday_policy": "keep",
        "bound_start": None,
        "bound_end": None,
    }


def _new_link(calendar: ImportedCalendar, event: UpstreamEvent) -> ImportedSeries:
    digest = hashlib.sha256(event.uid.encode()).hexdigest()[:24]
    series = Series(
        key=f"ical-{calendar.id}-{digest}",
        organisation_id=calendar.organisation_id,
        event_type=calendar.event_type,
        languages=[],
        organisers=[],
        # Given, not left to the server default: a value the ORM would have to read back
        # after each INSERT turns one executemany into a statement per series.
        is_demo=False,
        contact_public=False,
        **_series_fields(event),
    )
    db.session.add(series)
    link = ImportedSeries(
        calendar=calendar, series=series, uid=event.uid, is_recurring=event.is_recurring
    )
    db.session.add(link)
    return link


def _update_series(link: ImportedSeries, event: UpstreamEvent, now: datetime) -> bool:
    series = link.series
    changed = False
    for name, value in _series_fields(event).items():
        if getattr(series, name) != value:
            setattr(series, name, value)
            changed = True
    if changed:
        series.revision += 1
        series.updated_at = now
    return changed


def _sync_occurrences(
    rows: Iterable[Event],
    event: UpstreamEvent,
    series: Series,
    window: ImportWindow,
    report: ImportReport,
) -> None:
    """Bring the series' rows (expanded already) to the upstream occurrences."""
    rows = {row.original_start: row for row in rows}
    wanted = set()
    for occurrence in event.occurrences:
        wanted.add(occurrence.original_start)
        row = rows.get(occurrence.original_start)
        if row is not None:
            _sync_row(row, occurrence, series, report)
    # upstream deletions: the expansion keeps rows a person (or an earlier import) moved
    for original, row in rows.items():
        if original not in wanted and original >= window.start:
            _cancel(row, REMOVED_UPSTREAM, report)


def _sync_row(row: Event, occurrence, series: Series, report: ImportReport) -> None:
    if row.has_outcome:
        return
    if occurrence.cancelled:
        _cancel(row, CANCELLED_UPSTREAM, report)
        return
    if row.status == EventStatus.CANCELLED:
        restore_occurrence(row)
        report.restored += 1
    if (row.start, row.end) != (occurrence.start, occurrence.end):
        move_occurrence(row, occurrence.start, occurrence.end)
        report.moved += 1
    title = occurrence.summary[:300] if occurrence.summary != series.title else None
    location = occurrence.location if occurrence.location != series.location else None
    if (row.title, row.location) != (title, location):
        edit_occurrence(row, title=title or "", location=location or "")
        report.retitled += 1


def _cancel(row: Event, reason: str, report: ImportReport) -> None:
    if row.has_outcome or row.status == EventStatus.CANCELLED:
        return
    cancel_occurrence(row, reason=reason)
    report.cancelled += 1


def _remove(
    link: ImportedSeries, rows: Iterable[Event], window: ImportWindow, report: ImportReport
) -> None:
    for row in rows:
        if row.start >= window.start:
            _cancel(row, REMOVED_UPSTREAM, report)
    link.is_deleted = True
    report.removed_series += 1


def add_calendar(
    source: str, organisation_id: int, event_type: str = "other", name: str | None = None
) -> ImportedCalendar:
    """A new calendar row (not yet imported). The source must fit its column and, if it is
    an address, have an allowed scheme and port (its host is resolved and checked once, by
    the download itself); the name is cleaned and cut to its column."""
    source = source.strip()
    if len(source) > SOURCE_MAX or single_line(source, SOURCE_MAX, "", Warnings()) != source:
        raise CalendarImportError(
            f"the address must be one line of at most {SOURCE_MAX} characters"
        )
    if is_url(source) or has_scheme(source):
        parse_source(source, source_policy())
    calendar = ImportedCalendar(
        source=source,
        organisation_id=organisation_id,
        event_type=event_type,
        name=single_line(name, NAME_MAX, "name", Warnings()),
    )
    db.session.add(calendar)
    db.session.flush()
    return calendar


def import_new_calendar(
    source: str,
    organisation_id: int,
    event_type: str = "other",
    name: str | None = None,
    *,
    data: bytes | None = None,
    allow_files: bool = False,
) -> tuple[ImportedCalendar, ImportReport]:
    """Add a calendar and import it, for the page and the command line alike. On any
    error nothing is kept and CalendarImportError says why."""
    calendar = add_calendar(source, organisation_id, event_type, name)
    db.session.commit()
    calendar_id = calendar.id
    try:
        report = refresh_calendar(calendar, data=data, allow_files=allow_files)
    except CalendarImportError:
        db.session.delete(db.session.get(ImportedCalendar, calendar_id))
        db.session.commit()
        raise
    return db.session.get(ImportedCalendar, calendar_id), report


def set_paused(calendar: ImportedCalendar, paused: bool) -> None:
    """A paused calendar is not refreshed, by the job or by hand, until it is resumed."""
    calendar.is_active = not paused
    db.session.commit()


def remove_calendar(calendar: ImportedCalendar, now: datetime | None = None) -> tuple[int, int]:
    """Stop importing a calendar: its plain events are cancelled (subscribers and
    organisers hear of it the usual way), events with an outcome are kept as they are.
    The row stays, marked removed, so the kept events still say where they came from.
    Returns how many events were cancelled and how many kept."""
    cancelled = kept = 0
    rows = _rows_by_series(calendar)
    for link in _links_of(calendar).values():
        for row in rows.get(link.series_id, ()):
            if row.has_outcome:
                kept += 1
            elif row.status != EventStatus.CANCELLED:
                cancel_occurrence(row, reason=CALENDAR_REMOVED)
                cancelled += 1
        link.is_deleted = True
    calendar.is_active = False
    calendar.removed_at = now or utcnow()
    db.session.commit()
    return cancelled, kept


def visible_calendars() -> list[ImportedCalendar]:
    """Calendars not removed, in the order they were added."""
    return list(
        db.session.scalars(
            select(ImportedCalendar)
            .where(ImportedCalendar.removed_at.is_(None))
            .order_by(ImportedCalendar.id)
        )
    )


def due_calendars(now: datetime | None = None) -> list[ImportedCalendar]:
    now = now or utcnow()
    every = timedelta(minutes=current_app.config["CALENDARS_REFRESH_MINUTES"])
    calendars = db.session.scalars(
        select(ImportedCalendar)
        .where(ImportedCalendar.is_active.is_(True))
        .order_by(ImportedCalendar.id)
    ).all()
    return [
        c
        for c in calendars
        if c.is_url and (c.last_checked_at is None or c.last_checked_at + every <= now)
    ]


def refresh_due_calendars(now: datetime | None = None) -> dict[int, str]:
    """The periodic job: re-read every active URL calendar whose turn has come. Idempotent;
    one calendar's error never stops the others."""
    results = {}
    for calendar in due_calendars(now):
        try:
            results[calendar.id] = refresh_calendar(calendar, now=now).summary()
        except CalendarImportError as error:
            results[calendar.id] = f"error: {error}"
    return results
