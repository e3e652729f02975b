"""``flask indicators …``: report, manual values, targets, closing a year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..core.exports import terminal_text
from ..core.time import utcnow, zone
from ..extensions import db
from . import export, service
from .evidence import TRUSTED_SHELL
from .report import ReportError, build_report

T = TypeVar("T")


def _current_year() -> int:
    return utcnow().astimezone(zone(current_app.config["TIMEZONE"])).year


def _fail(error: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(error))


def _committed(change: Callable[[], T]) -> T:
    """What ``change`` returns, once committed; a refusal rolls back and ends the command."""
    try:
        result = change()
        db.session.commit()
    except ValueError as error:
        _fail(error)
    return result


@click.group("indicators", help="Indicators of the plan: report, manual values, targets.")
def commands() -> None:
    pass


@commands.command("report")
@click.option("--year", type=int, help="The report year (default: this year).")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="table")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE.")
@with_appcontext
def report_command(year: int | None, fmt: str, output: str | None) -> None:
    """Targets, actual, planned and cumulative figures of every indicator."""
    try:
        report = build_report(year or _current_year())
    except ReportError as error:
        _fail(error)
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("--format xlsx needs --output FILE")
        # No request here, so no locale negotiation: the configured default language.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            evidence = service.report_evidence(report, audience=TRUSTED_SHELL)
            body = export.report_xlsx(report, evidence)
        Path(output).write_bytes(body)
        click.echo(f"wrote {output}")
        return
    text = {"table": export.report_table, "csv": export.report_csv, "json": export.report_json}[
        fmt
    ](report)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=not text.endswith("\n"))


@commands.command("set")
@click.argument("code")
@click.option("--year", type=int, required=True)
@click.option("--value", required=True, help="The figure for the year (a number >= 0).")
@click.option("--note", required=True, help="Evidence: what shows this figure.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Day the figure held.")
@click.option("--author", default="cli", show_default=True, help="Who records it (e-mail).")
@with_appcontext
def set_command(code: str, year: int, value: str, note: str, as_of, author: str) -> None:
    """Record a manual indicator's value (kept in the audit trail)."""
    entry = _committed(
        lambda: service.set_manual_value(
            code, year, value, evidence=note, author=author, as_of=as_of.date() if as_of else None
        )
    )
    click.echo(f"{code} {year} = {entry.value.normalize():f} (as of {entry.as_of}, {entry.author})")


@commands.command("history")
@click.argument("code")
@click.option("--year", type=int)
@with_appcontext
def history_command(code: str, year: int | None) -> None:
    """The audit trail of a manual indicator's values."""
    try:
        entries = service.manual_history(code, year)
    except ValueError as error:
        _fail(error)
    if not entries:
        click.echo(f"{code}: no values recorded")
    for e in entries:
        click.echo(
            f"{e.recorded_at:%Y-%m-%d %H:%M}Z  {e.year}  {e.value.normalize():f}  "
            f"as of {e.as_of}  {e.author}  {e.evidence}"
        )


@commands.command("targets")
@click.argument("code")
@with_appcontext
def targets_command(code: str) -> None:
    """Current targets of an indicator and the history of their revisions."""
    try:
        indicator = service.get_indicator(code)
        revisions = service.target_history(code)
    except ValueError as error:
        _fail(error)
    for target in indicator.targets:
        click.echo(f"{target.kind:5}  {target.year}  {target.value.normalize():f}")
    for r in revisions:
        before = "-" if r.previous_value is None else f"{r.previous_value.normalize():f}"
        click.echo(
            f"revised {r.revised_at:%Y-%m-%d %H:%M}Z  {r.kind} {r.year}: {before} -> "
            f"{r.value.normalize():f}  by {r.author}: {r.reason}"
        )


@commands.command("revise")
@click.argument("code")
@click.option("--year", type=int, required=True)
@click.option("--value", required=True)
@click.option("--reason", required=True, help="Why the target changes (kept in the history).")
@click.option("--final", is_flag=True, help="Revise the final (2029) target, not a year's.")
@click.option("--author", default="cli", show_default=True)
@with_appcontext
def revise_command(code: str, year: int, value: str, reason: str, final: bool, author: str):
    """Revise a target, keeping the previous value and the reason."""
    revision = _committed(
        lambda: service.revise_target(
            code, year, value, reason=reason, author=author, kind="final" if final else "year"
        )
    )
    before = "-" if revision.previous_value is None else f"{revision.previous_value.normalize():f}"
    click.echo(f"{code} {revision.kind} target {year}: {before} -> {revision.value.normalize():f}")


@commands.command("close-year")
@click.argument("year", type=int)
@click.option("--author", default="cli", show_default=True)
@click.option("--note", help="e.g. the submission's reference.")
@with_appcontext
def close_year_command(year: int, author: str, note: str | None) -> None:
    """Freeze the year's figures as submitted; later outcome edits in it are refused."""
    closing = _committed(lambda: service.close_year(year, author=author, note=note))
    click.echo(f"year {year} closed: {len(closing.figures)} indicator(s) frozen as submitted")


@commands.command("events")
@click.argument("code")
@click.option("--year", type=int)
@click.option("--planned", is_flag=True, help="Also list planned events the rule would count.")
@with_appcontext
def events_command(code: str, year: int | None, planned: bool) -> None:
    """The events an indicator counts: date, attendance and participating KOVs."""
    year = year or _current_year()
    try:
        _indicator, events = service.counted_events(
            code, year, audience=TRUSTED_SHELL, include_planned=planned
        )
    except ValueError as error:
        _fail(error)
    for event in events:
        kovs = ",".join(event.participants) or "-"
        click.echo(
            f"{event.id:>6}  {event.local_start:%Y-%m-%d %H:%M}  {event.status:8} "
            f"{event.organisation:12} {event.event_type:16} "
            f"att={event.attendance if event.attendance is not None else '-'}  kovs={kovs}  "
            f"{terminal_text(event.title)}"
        )
    click.echo(f"{len(events)} event(s)")
