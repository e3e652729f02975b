"""`flask calendars …`: add, list and refresh imported calendars."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..core.bounds import cli_id_type
from ..events.models import EVENT_TYPES
from ..extensions import db
from ..organisations.models import Organisation
from .importer import add_calendar, refresh_calendar, refresh_due_calendars
from .models import ImportedCalendar
from .parse import CalendarImportError

calendars_group = click.Group("calendars", help="External calendars (.ics) imported as events.")


@calendars_group.command("add")
@click.argument("source")
@click.option("--org", required=True, help="Organisation slug the events belong to.")
@click.option(
    "--type",
    "event_type",
    type=click.Choice(EVENT_TYPES),
    default="other",
    show_default=True,
    help="Event type of the imported events (editable later).",
)
@click.option("--name", help="A name for the calendar.")
@with_appcontext
def add_command(source: str, org: str, event_type: str, name: str | None) -> None:
    """Import SOURCE (an http(s)/webcal URL or an .ics file) and keep it refreshed (URLs)."""
    organisation = db.session.scalars(db.select(Organisation).filter_by(slug=org)).one_or_none()
    if organisation is None:
        raise click.BadParameter(f"unknown organisation '{org}'", param_hint="--org")
    try:
        calendar = add_calendar(source, organisation.id, event_type, name)
    except CalendarImportError as error:
        raise click.ClickException(f"{source[:80]}: {error}; nothing was imported") from None
    db.session.commit()
    calendar_id = calendar.id
    try:
        report = refresh_calendar(calendar, allow_files=True)
    except CalendarImportError as error:
        db.session.delete(db.session.get(ImportedCalendar, calendar_id))
        db.session.commit()
        raise click.ClickException(f"{source}: {error}; nothing was imported") from None
    click.echo(f"calendar {calendar_id} ({organisation.slug}, {event_type}): {report.summary()}")


@calendars_group.command("refresh")
@click.argument("ids", nargs=-1, type=cli_id_type())
@click.option("--due", is_flag=True, help="Only calendars whose refresh interval has passed.")
@with_appcontext
def refresh_command(ids: tuple[int, ...], due: bool) -> None:
    """Re-read imported calendars (all active ones, or the given IDS)."""
    if due:
        for calendar_id, outcome in refresh_due_calendars().items():
            click.echo(f"calendar {calendar_id}: {outcome}")
        return
    stmt = db.select(ImportedCalendar).where(ImportedCalendar.is_active.is_(True))
    if ids:
        stmt = db.select(ImportedCalendar).where(ImportedCalendar.id.in_(ids))
    failed = False
    for calendar in db.session.scalars(stmt.order_by(ImportedCalendar.id)).all():
        try:
            outcome = refresh_calendar(calendar, allow_files=True).summary()
        except CalendarImportError as error:
            outcome, failed = f"error: {error}", True
        click.echo(f"calendar {calendar.id}: {outcome}")
    if failed:
        raise SystemExit(1)


@calendars_group.command("list")
@with_appcontext
def list_command() -> None:
    for calendar in db.session.scalars(db.select(ImportedCalendar).order_by(ImportedCalendar.id)):
        checked = f"{calendar.last_checked_at:%Y-%m-%d %H:%M}" if calendar.last_checked_at else "-"
        click.echo(
            f"{calendar.id:>4}  {calendar.organisation.slug:<10} {calendar.event_type:<16} "
            f"{calendar.event_count:>5} events  {calendar.last_status or '-':<9} {checked}  "
            f"{calendar.source}"
        )
        if calendar.last_error:
            click.echo(f"      last error: {calendar.last_error}")


commands = [calendars_group]
