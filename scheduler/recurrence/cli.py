"""`flask rules preview`: try a rule before putting it in a plan."""

from __future__ import annotations

import json
from datetime import timedelta

import click
from dateutil.relativedelta import relativedelta

from ..core.time import DEFAULT_TZ, parse_local_datetime
from . import HOLIDAY_POLICIES, DateRange, RecurrenceSpec, RuleError, describe, expand, validate
from .describe import DESCRIBED_LANGUAGES

rules_group = click.Group("rules", help="Recurrence rules.")
LOCALES = DESCRIBED_LANGUAGES


@rules_group.command("preview")
@click.argument("rule")
@click.option(
    "--start", required=True, help="Local start of the first occurrence, e.g. 2024-01-02T18:00."
)
@click.option("--tz", default=DEFAULT_TZ, show_default=True)
@click.option("--duration", default=90, show_default=True, help="Minutes.")
@click.option("--pause", "pauses", multiple=True, help="YYYY-MM-DD/YYYY-MM-DD, repeatable.")
@click.option("--holidays", type=click.Choice(HOLIDAY_POLICIES), default="keep", show_default=True)
@click.option("--rdate", "rdates", multiple=True, help="Extra local start, repeatable.")
@click.option("--exdate", "exdates", multiple=True, help="Excluded local start, repeatable.")
@click.option("--count", default=10, show_default=True, type=click.IntRange(1, 10000))
@click.option("--locale", type=click.Choice(LOCALES), default="en", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def preview_command(
    rule, start, tz, duration, pauses, holidays, rdates, exdates, count, locale, fmt
):
    """Print the first occurrences of RULE (an RFC 5545 RRULE) and its description."""
    try:
        spec = _spec(rule, start, tz, duration, pauses, holidays, rdates, exdates)
        validate(spec)
        occurrences = expand(spec, spec.start, spec.start + relativedelta(years=20), limit=count)
    except (RuleError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    descriptions = {code: describe(spec, code) for code in LOCALES}
    rows = [
        {
            "start": o.start.isoformat(),
            "end": o.end.isoformat(),
            "original_start": o.original_start.isoformat(),
            "moved": o.start != o.original_start,
        }
        for o in occurrences
    ]
    if fmt == "json":
        payload = {
            "rule": rule,
            "occurrences": rows,
            "description": descriptions[locale],
            "descriptions": descriptions,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    click.echo(descriptions[locale])
    for row in rows:
        moved = f"  (moved from {row['original_start'][:16]})" if row["moved"] else ""
        click.echo(f"  {row['start'][:16]} – {row['end'][11:16]}{moved}")


def _spec(rule, start, tz, duration, pauses, holidays, rdates, exdates) -> RecurrenceSpec:
    try:
        start_dt = parse_local_datetime(start, tz)
    except ValueError as error:
        raise RuleError(f"--start '{start}' is not a date and time (YYYY-MM-DDTHH:MM)") from error
    except Exception as error:  # unknown zone
        raise RuleError(f"unknown time zone '{tz}'") from error
    return RecurrenceSpec(
        start=start_dt,
        duration=timedelta(minutes=duration),
        rule=rule or None,
        rdates=tuple(parse_local_datetime(text, tz) for text in rdates),
        exdates=tuple(parse_local_datetime(text, tz) for text in exdates),
        pauses=tuple(DateRange.parse(text) for text in pauses),
        holidays=holidays,
        tz=tz,
    )


commands = [rules_group]
