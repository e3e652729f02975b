"""`flask registrations …`: open and close a series' registration, list an occurrence's
registrations, check someone in, and erase personal data past the retention period.
These names and the fields of ``list`` are a contract scripts rely on."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.bounds import cli_id_type, is_reasonable_date
from ..core.exports import csv_rows
from ..core.time import local_midnight, parse_local_datetime, utcnow
from ..events.models import Event, Series
from ..extensions import db
from . import service
from .models import Registration

commands = click.Group("registrations", help="Registration and attendance of occurrences.")

LIST_FIELDS = ("id", "state", "waitlist_position", "language", "kov", "checked_in", "email")


def _series(key: str) -> Series:
    series = db.session.scalar(select(Series).where(Series.key == key))
    if series is None:
        raise click.BadParameter(f"no series with key '{key}'", param_hint="SERIES_KEY")
    return series


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.BadParameter(f"no event {event_id}", param_hint="EVENT_ID")
    return event


def _owner(series_key: str | None, event_id: int | None) -> Series | Event:
    """A series by its key, or (``--event``) one occurrence: exactly one of them."""
    if (series_key is None) == (event_id is None):
        raise click.UsageError("give either SERIES_KEY or --event EVENT_ID")
    return _event(event_id) if event_id is not None else _series(series_key)


def _label(owner: Series | Event) -> str:
    return f"event {owner.id}" if isinstance(owner, Event) else f"series {owner.key}"


EVENT_OPTION = click.option(
    "--event",
    "event_id",
    type=cli_id_type(),
    help="One occurrence instead of a series (its own settings override the series').",
)


@commands.command("open")
@click.argument("series_key", required=False)
@EVENT_OPTION
@click.option("--capacity", type=click.IntRange(min=0, max=100_000), required=True)
@click.option("--waitlist", is_flag=True, help="Keep a waiting list once the places are taken.")
@click.option(
    "--from",
    "opens_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Take registrations from this local date on (default: at once).",
)
@with_appcontext
def open_command(
    series_key: str | None,
    event_id: int | None,
    capacity: int,
    waitlist: bool,
    opens_on: datetime | None,
):
    """Open (or change) registration for every occurrence of SERIES_KEY, or for one
    occurrence with --event."""
    owner = _owner(series_key, event_id)
    timezone = (owner.series if isinstance(owner, Event) else owner).timezone
    opens_at = None
    if opens_on is not None:
        if not is_reasonable_date(opens_on.date()):
            raise click.BadParameter("a date between 2000 and 2100", param_hint="--from")
        opens_at = local_midnight(opens_on.date(), timezone)
    service.open_series(owner, capacity=capacity, waitlist=waitlist, opens_at=opens_at)
    waiting = "with a waiting list" if waitlist else "no waiting list"
    click.echo(f"{_label(owner)}: registration open, {capacity} places, {waiting}")


@commands.command("close")
@click.argument("series_key", required=False)
@EVENT_OPTION
@with_appcontext
def close_command(series_key: str | None, event_id: int | None) -> None:
    """Stop taking registrations for SERIES_KEY, or for one occurrence with --event (those
    made are kept)."""
    owner = _owner(series_key, event_id)
    if not service.close_series(owner):
        raise click.ClickException(f"{_label(owner)} takes no registrations")
    click.echo(f"{_label(owner)}: registration closed")


def _as_dict(row: Registration) -> dict:
    return {
        "id": row.id,
        "state": str(row.state),
        "waitlist_position": row.waitlist_position,
        "language": row.language,
        "kov": row.kov.slug if row.kov is not None else None,
        "checked_in": row.checked_in,
        "email": row.email,
    }


@commands.command("list")
@click.argument("event_id", type=cli_id_type())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@with_appcontext
def list_command(event_id: int, fmt: str) -> None:
    """The registrations of one occurrence: id, state, waiting-list position, language,
    local government, checked_in and email."""
    rows = [_as_dict(r) for r in service.participants(_event(event_id).id)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(csv_rows(LIST_FIELDS, [[r[f] for f in LIST_FIELDS] for r in rows]), nl=False)
    else:
        for r in rows:
            cells = ["" if r[f] is None else str(r[f]) for f in LIST_FIELDS]
            click.echo("\t".join(cells))


@commands.command("checkin")
@click.argument("event_id", type=cli_id_type())
@click.argument("email")
@with_appcontext
def checkin_command(event_id: int, email: str) -> None:
    """Mark EMAIL present at occurrence EVENT_ID (twice changes nothing)."""
    row = service.find_registration(_event(event_id).id, email)
    if row is None:
        raise click.ClickException(f"{email} has not registered for event {event_id}")
    changed = service.check_in(row)
    db.session.commit()
    click.echo(f"registration {row.id}: {'checked in' if changed else 'already checked in'}")


@commands.command("erase-expired")
@click.option("--now", "now_text", help="As if it were this moment (ISO 8601, local time).")
@with_appcontext
def erase_expired_command(now_text: str | None) -> None:
    """Erase names, emails, phones and answers REGISTRATION_RETENTION_DAYS after each
    occurrence; counts, local governments and check-ins stay."""
    now = utcnow()
    if now_text:
        try:
            now = parse_local_datetime(now_text)
        except ValueError:
            raise click.BadParameter("an ISO 8601 date and time", param_hint="--now") from None
        if not is_reasonable_date(now.date()):
            raise click.BadParameter("a date between 2000 and 2100", param_hint="--now")
    days = int(current_app.config["REGISTRATION_RETENTION_DAYS"])
    click.echo(f"erased {service.erase_expired(now, days)} registration(s)")
