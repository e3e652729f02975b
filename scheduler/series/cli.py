"""`flask series …`: the editor's schedule changes from the command line."""

from __future__ import annotations

from datetime import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.time import local_midnight
from ..events.models import Event, Series
from ..events.service import OccurrenceError
from ..extensions import db
from ..recurrence import RuleError
from .service import SeriesValues, change_series, withdraw_series

series_group = click.Group("series", help="Change or withdraw a series (as the web editor does).")


def _series(key: str) -> Series:
    found = db.session.scalar(select(Series).where(Series.key == key))
    if found is None:
        raise click.BadParameter(f"no series with key {key!r}", param_hint="KEY")
    return found


def _print_result(result) -> None:
    report = result.report
    click.echo(
        f"{result.series.key}: {report.created} new, {report.moved} moved, "
        f"{report.withdrawn} cancelled"
        + (f"; new series {result.new_series.key}" if result.new_series else "")
    )
    for event in result.kept:
        click.echo(
            f"kept as it is: event {event.id} {event.start.isoformat()} {event.status.value}"
        )


@series_group.command("change")
@click.argument("key")
@click.option(
    "--from",
    "from_day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="this and following: the first local date the change applies to",
)
@click.option("--time", "start_time", default=None, help="new start time, HH:MM")
@click.option("--rule", default=None, help="new RRULE text")
@click.option("--title", default=None)
@click.option("--location", default=None)
@with_appcontext
def change_command(key, from_day, start_time, rule, title, location):
    """Change a series' time, rule, title or place: for all events, or from a date on."""
    series = _series(key)
    values = SeriesValues.of(series)
    if start_time is not None:
        try:
            values.start_time = time.fromisoformat(start_time)
        except ValueError:
            raise click.BadParameter("give the time as HH:MM", param_hint="--time") from None
    if rule is not None:
        values.rule = rule or None
    if title is not None:
        values.title = title
    if location is not None:
        values.location = location or None
    occurrence, scope = None, "all"
    if from_day is not None:
        scope = "following"
        occurrence = db.session.scalar(
            select(Event)
            .where(
                Event.series_id == series.id,
                Event.original_start >= local_midnight(from_day.date(), series.timezone),
            )
            .order_by(Event.original_start)
        )
        if occurrence is None:
            raise click.BadParameter("the series has no event from that date", param_hint="--from")
    try:
        result = change_series(series, values, scope, occurrence)
    except (OccurrenceError, RuleError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    _print_result(result)


@series_group.command("withdraw")
@click.argument("key")
@with_appcontext
def withdraw_command(key):
    """Cancel the series' events from now on; its past and recorded outcomes stay."""
    result = withdraw_series(_series(key))
    db.session.commit()
    _print_result(result)


commands = series_group
