"""`flask subscribers list [--format table|json]` and `flask subscribers digest [--now ISO]`.
These names and the fields of ``list`` are a contract scripts rely on. The email is shown
here, to whoever runs the site, and on no page."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..reminders.cli import parse_now
from . import service
from .models import Subscriber

commands = click.Group("subscribers", help="Email alerts for newcomers (no account).")

LIST_FIELDS = ("id", "state", "cities", "languages", "types", "frequency", "mail_language", "email")


@commands.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@with_appcontext
def list_command(fmt: str) -> None:
    """Every subscription: id, state, cities, languages, types, frequency, mail language and
    email."""
    rows = [r.as_dict() for r in db.session.scalars(select(Subscriber).order_by(Subscriber.id))]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    click.echo("\t".join(LIST_FIELDS))
    for row in rows:
        cells = [
            ",".join(v) if isinstance(v, list) else str(v) for v in (row[f] for f in LIST_FIELDS)
        ]
        click.echo("\t".join(cells))
    click.echo(f"{len(rows)} subscriber(s)", err=True)


@commands.command("digest")
@click.option(
    "--now", "now_text", help="Act as if it were this instant (ISO; local time if no offset)."
)
@with_appcontext
def digest_command(now_text: str | None) -> None:
    """Send what the weekly job would: plan this week's digests and dispatch what is due."""
    click.echo(service.send_digests(parse_now(now_text)))
