"""`flask events …`: list occurrences, record outcomes, move or cancel single occurrences."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from ..core.bounds import FIRST_YEAR, LAST_YEAR, MAX_ATTENDANCE, cli_id_type, is_reasonable_date
from ..core.exports import terminal_text
from ..core.localized import translated_languages
from ..core.time import DEFAULT_TZ, parse_local_datetime, zone
from ..extensions import db
from .models import Event
from .queries import EventFilter, list_events
from .service import (
    OccurrenceError,
    cancel_occurrence,
    edit_occurrence,
    ensure_editable_by_people,
    get_event,
    move_occurrence,
    record_outcome,
    restore_occurrence,
)

events_group = click.Group("events", help="List events and change single occurrences.")


def event_as_dict(event: Event, tz: str = DEFAULT_TZ) -> dict:
    from .uids import event_uid

    series = event.series
    local = zone(series.timezone or tz)
    return {
        "id": event.id,
        "series_id": series.id,
        "series_key": series.key,
        "activity_code": series.activity.code if series.activity else None,
        "org": series.organisation.slug,
        "type": series.event_type,
        "title": event.display_title,
        "start": event.start.astimezone(local).isoformat(),
        "end": event.end.astimezone(local).isoformat(),
        "original_start": event.original_start.astimezone(local).isoformat(),
        "status": event.status.value,
        "overridden": event.is_overridden,
        "public": series.is_public,
        "uid": event_uid(event),
        "languages": list(series.languages or []),
        "location": event.display_location,
        "organisers": list(series.organisers or []),
        "attendance": event.attendance,
        "kovs": [org.slug for org in event.participants],
    }


def _local_date_option(flag: str, name: str, help_text: str):
    return click.option(
        flag, name, required=True, type=click.DateTime(["%Y-%m-%d"]), help=help_text
    )


@events_group.command("list")
@_local_date_option("--from", "start", "First local date (inclusive).")
@_local_date_option("--to", "end", "Last local date (exclusive).")
@click.option("--org", help="Organisation slug, e.g. tartu.")
@click.option("--activity", help="Activity code; its sub-activities are included.")
@click.option("--type", "event_type", help="Event type, e.g. club.")
@click.option("--public-only", is_flag=True, help="Only public events.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@with_appcontext
def list_command(start, end, org, activity, event_type, public_only, fmt) -> None:
    """List events that start in [--from, --to)."""
    for value, hint in ((start, "--from"), (end, "--to")):
        if not is_reasonable_date(value.date()):
            raise click.BadParameter(
                f"{value:%Y-%m-%d} is outside {FIRST_YEAR}-{LAST_YEAR}", param_hint=hint
            )
    _require_known(org, activity)
    event_filter = EventFilter(
        start=start.date(),
        end=end.date(),
        org=org,
        activity=activity,
        event_type=event_type,
        public_only=public_only,
    )
    events = list_events(event_filter)
    if fmt == "json":
        click.echo(json.dumps([event_as_dict(e) for e in events], ensure_ascii=False, indent=1))
        return
    for event in events:
        row = event_as_dict(event)
        click.echo(
            f"{row['id']:>6}  {row['start'][:16]}  {row['org']:<9} "
            f"{row['activity_code'] or '-':<10} "
            f"{row['type']:<15} {row['status']:<9} {terminal_text(row['title'])}"
        )
    click.echo(f"{len(events)} event(s)", err=True)


def _require_known(org: str | None, activity: str | None) -> None:
    from ..organisations.models import Organisation
    from ..plans.models import Activity

    if org and db.session.query(Organisation).filter_by(slug=org).first() is None:
        raise click.BadParameter(f"unknown organisation '{org}'", param_hint="--org")
    if (
        activity
        and db.session.query(Activity)
        .filter((Activity.code == activity) | Activity.code.startswith(f"{activity}."))
        .first()
        is None
    ):
        raise click.BadParameter(f"unknown activity code '{activity}'", param_hint="--activity")


def _change(action) -> None:
    try:
        event = action()
    except OccurrenceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"event {event.id}: {event.status.value}, {event.start.astimezone(zone()).isoformat()}"
    )


@events_group.command("held")
@click.argument("event_id", type=cli_id_type())
@click.option(
    "--attendance",
    type=click.IntRange(min=0, max=MAX_ATTENDANCE),
    help="How many people came.",
)
@click.option("--kovs", default="", help="Participating local governments: slug,slug")
@click.option("--note", help="A note on the outcome.")
@with_appcontext
def held_command(event_id: int, attendance: int | None, kovs: str, note: str | None) -> None:
    """Record that EVENT_ID was held."""
    _change(
        lambda: record_outcome(
            get_event(event_id),
            held=True,
            attendance=attendance,
            kov_slugs=kovs.split(","),
            note=note,
        )
    )


@events_group.command("not-held")
@click.argument("event_id", type=cli_id_type())
@click.option("--note", help="Why it was not held.")
@with_appcontext
def not_held_command(event_id: int, note: str | None) -> None:
    """Record that EVENT_ID did not take place."""
    _change(lambda: record_outcome(get_event(event_id), held=False, note=note))


@events_group.command("move")
@click.argument("event_id", type=cli_id_type())
@click.option("--start", required=True, help="New local start, e.g. 2024-03-12T18:00.")
@click.option("--end", help="New local end (default: keep the duration).")
@with_appcontext
def move_command(event_id: int, start: str, end: str | None) -> None:
    """Move one occurrence; the rest of its series stays as it is."""

    def action():
        event = get_event(event_id)
        tz = event.series.timezone
        try:
            new_start = parse_local_datetime(start, tz)
            new_end = parse_local_datetime(end, tz) if end else None
        except ValueError as error:
            raise OccurrenceError(_l("not a date and time: %(error)s", error=error)) from error
        ensure_editable_by_people(event)
        return move_occurrence(event, new_start, new_end)

    _change(action)


@events_group.command("cancel")
@click.argument("event_id", type=cli_id_type())
@click.option("--reason", help="Why, in Estonian: shown to organisers and in the calendar.")
@click.option(
    "--reason-in",
    "versions",
    nargs=2,
    multiple=True,
    metavar="LANG TEXT",
    help="The reason in another language, e.g. --reason-in ru '…' (repeatable).",
)
@with_appcontext
def cancel_command(event_id: int, reason: str | None, versions: tuple) -> None:
    """Cancel one occurrence."""
    unknown = sorted({code for code, _text in versions} - set(translated_languages()))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: not one of {', '.join(translated_languages())}",
            param_hint="--reason-in",
        )
    _change(lambda: cancel_occurrence(_editable(event_id), reason, translations=dict(versions)))


@events_group.command("edit")
@click.argument("event_id", type=cli_id_type())
@click.option("--title", help="A title for this occurrence only ('' restores the series').")
@click.option("--location", help="A place for this occurrence only ('' restores the series').")
@click.option("--notes", help="Notes on this occurrence.")
@click.option("--description", help="A description of this occurrence ('' removes it).")
@with_appcontext
def edit_command(
    event_id: int,
    title: str | None,
    location: str | None,
    notes: str | None,
    description: str | None,
):
    """Change one occurrence's title, place, notes or description; the rest of its series
    stays."""
    _change(
        lambda: edit_occurrence(
            _editable(event_id),
            title=title,
            location=location,
            notes=notes,
            description=description,
        )
    )


@events_group.command("restore")
@click.argument("event_id", type=cli_id_type())
@with_appcontext
def restore_command(event_id: int) -> None:
    """Plan a cancelled occurrence again."""
    _change(lambda: restore_occurrence(_editable(event_id)))


def _editable(event_id: int) -> Event:
    event = get_event(event_id)
    ensure_editable_by_people(event)
    return event


@events_group.command("expand")
@click.option("--months", default=24, show_default=True, help="How far ahead of today.")
@with_appcontext
def expand_command(months: int) -> None:
    """Materialise every series up to MONTHS ahead (the daily job does this too)."""
    from ..plans.loader import extend_horizons

    report = extend_horizons(months=months)
    click.echo(
        f"{report.created} new, {report.moved} moved, {report.withdrawn} withdrawn, "
        f"{report.restored} restored"
    )


commands = [events_group]
