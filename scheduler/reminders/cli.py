"""`flask reminders …`: look at the outbox, run a dispatch tick, plan digests, retry failures."""

from __future__ import annotations

import json

import click
from flask import current_app
from sqlalchemy import select

from ..core.bounds import cli_id_type
from ..core.time import parse_local_datetime, utcnow
from ..extensions import db
from ..mail.models import Reminder, ReminderKind, ReminderStatus
from .digest import plan_weekly_digests
from .dispatch import dispatch_due, retry_failed
from .planning import replan_all


def parse_now(text: str | None):
    if not text:
        return utcnow()
    try:
        return parse_local_datetime(text, current_app.config["TIMEZONE"])
    except ValueError as error:
        raise click.BadParameter(f"'{text}' is not an ISO date-time: {error}") from error


@click.group("reminders")
def reminders() -> None:
    """The reminder outbox."""


@reminders.command("list")
@click.option("--status", type=click.Choice([s.value for s in ReminderStatus]))
@click.option("--kind", type=click.Choice([k.value for k in ReminderKind]))
@click.option("--event", "event_id", type=cli_id_type(), help="Only this event's reminders.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_command(status, kind, event_id, limit, fmt) -> None:
    """Show outbox rows, soonest due first."""
    stmt = select(Reminder).order_by(Reminder.due, Reminder.id)
    if status:
        stmt = stmt.where(Reminder.status == status)
    if kind:
        stmt = stmt.where(Reminder.kind == kind)
    if event_id is not None:
        stmt = stmt.where(Reminder.event_id == event_id)
    if limit:
        stmt = stmt.limit(limit)
    rows = [r.as_dict() for r in db.session.scalars(stmt)]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    columns = (
        "id",
        "event_id",
        "kind",
        "slot",
        "recipient",
        "due",
        "status",
        "attempts",
        "last_error",
    )
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join("" if row[c] is None else str(row[c]) for c in columns))
    click.echo(f"{len(rows)} reminder(s)", err=True)


@reminders.command("dispatch")
@click.option(
    "--now", "now_text", help="Act as if it were this instant (ISO; local time if no offset)."
)
@click.option("--batch-size", type=int, default=None)
def dispatch_command(now_text, batch_size) -> None:
    """Run one dispatch tick: send everything due."""
    report = dispatch_due(parse_now(now_text), batch_size=batch_size)
    click.echo(report.summary())


@reminders.command("digest")
@click.option("--now", "now_text", help="Act as if it were this instant.")
def digest_command(now_text) -> None:
    """Plan this week's coordinator digests (sent by the next dispatch)."""
    click.echo(f"planned {plan_weekly_digests(parse_now(now_text))} digest(s)")


@reminders.command("retry")
@click.argument("ids", nargs=-1, type=cli_id_type())
@click.option("--all-failed", is_flag=True, help="Queue every failed reminder again.")
def retry_command(ids, all_failed) -> None:
    """Queue failed reminders again (after fixing the address or the mail server)."""
    if not ids and not all_failed:
        raise click.UsageError("name reminder ids or pass --all-failed")
    click.echo(f"queued {retry_failed(list(ids) or None)} reminder(s) again")


@reminders.command("plan")
@click.option("--now", "now_text", help="Act as if it were this instant.")
def plan_command(now_text) -> None:
    """Create the reminders that planned events lack (events made before this feature)."""
    created = replan_all(parse_now(now_text))
    db.session.commit()
    click.echo(f"planned {created} reminder(s)")


commands = [reminders]
