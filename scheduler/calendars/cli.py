"""`flask calendars …`: add, list, refresh, pause, resume and remove imported calendars."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..core.bounds import cli_id_type
from ..events.models import EVENT_TYPES
from ..extensions import db
from ..organisations.models import Organisation
from .importer import (
    import_new_calendar,
    refresh_calendar,
    refresh_due_calendars,
    remove_calendar,
    set_paused,
)
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
        calendar, report = import_new_calendar(
            source, organisation.id, event_type, name, allow_files=True
        )
    except CalendarImportError as error:
        raise click.ClickException(f"{source}: {error}; nothing was imported") from None
    click.echo(f"calendar {calendar.id} ({organisation.slug}, {event_type}): {report.summary()}")


@calendars_group.command("refresh")
@click.argument("ids", nargs=-1, type=cli_id_type())
@click.option("--due", is_flag=True, help="Only calendars whose refresh interval has passed.")
@with_appcontext
def refresh_command(ids: tuple[int, ...], due: bool) -> None:
    """Re-read imported calendars (all active ones, or the given IDS; paused ones are not)."""
    if due:
        for calendar_id, outcome in refresh_due_calendars().items():
            click.echo(f"calendar {calendar_id}: {outcome}")
        return
    stmt = db.select(ImportedCalendar).where(ImportedCalendar.is_active.is_(True))
    if ids:
        stmt = db.select(ImportedCalendar).where(ImportedCalendar.id.in_(ids))
    failed = False
    for calendar in db.session.scalars(stmt.order_by(ImportedCalendar.id)).all():
        if not calendar.is_active:
            state = "removed" if calendar.removed_at else "paused"
            click.echo(f"calendar {calendar.id}: {state}, not refreshed")
            continue
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
    """Imported calendars (not removed ones), their state and last error or warnings."""
    stmt = db.select(ImportedCalendar).where(ImportedCalendar.removed_at.is_(None))
    for calendar in db.session.scalars(stmt.order_by(ImportedCalendar.id)):
        checked = f"{calendar.last_checked_at:%Y-%m-%d %H:%M}" if calendar.last_checked_at else "-"
        status = "paused" if calendar.is_paused else calendar.last_status or "-"
        click.echo(
            f"{calendar.id:>4}  {calendar.organisation.slug:<10} {calendar.event_type:<16} "
            f"{calendar.event_count:>5} events  {status:<9} {checked}  "
            f"{calendar.source}"
        )
        if calendar.last_error:
            click.echo(f"      last error: {calendar.last_error}")
        for warning in calendar.import_warnings or ():
            click.echo(f"      warning: {warning}")


def _calendar(calendar_id: int) -> ImportedCalendar:
    calendar = db.session.get(ImportedCalendar, calendar_id)
    if calendar is None or calendar.removed_at is not None:
        raise click.ClickException(f"no imported calendar {calendar_id}")
    return calendar


def _pausing_command(name: str, paused: bool, help_text: str) -> click.Command:
    """``flask calendars pause|resume ID``: the same switch, one way or the other."""

    @calendars_group.command(name, help=help_text)
    @click.argument("calendar_id", type=int)
    @with_appcontext
    def command(calendar_id: int) -> None:
        set_paused(_calendar(calendar_id), paused)
        click.echo(f"calendar {calendar_id}: {name}d")

    return command


pause_command = _pausing_command(
    "pause", True, "Stop refreshing a calendar until it is resumed; its events stay."
)
resume_command = _pausing_command(
    "resume", False, "Refresh a paused calendar again (at its next turn)."
)


@calendars_group.command("remove")
@click.argument("calendar_id", type=int)
@with_appcontext
def remove_command(calendar_id: int) -> None:
    """Stop importing a calendar: its events are cancelled, those with an outcome kept."""
    cancelled, kept = remove_calendar(_calendar(calendar_id))
    click.echo(
        f"calendar {calendar_id}: removed; {cancelled} events cancelled, "
        f"{kept} with an outcome kept"
    )


commands = [calendars_group]
