"""`flask plan …`: load the yearly plan, roll it into the next year."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..core.time import utcnow, zone
from ..extensions import db
from .conflicts import PlanConflict
from .demo import replay_demo
from .export import ExportError, dump_plan, export_document
from .loader import builtin_plan_path, load_plan_file, plan_limits
from .roll import RollError, roll_plan
from .schema import PlanError, read_plan
from .service import PlanServiceError, publish_plan

plan_group = click.Group("plan", help="Load and roll yearly action plans.")


@plan_group.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite series and occurrences changed on the web since the last load.",
)
@with_appcontext
def load_command(file: Path | None, force: bool) -> None:
    """Validate and load FILE (default: the built-in 2024 plan). Safe to repeat.

    A file that would overwrite changes made on the web since the last load stops and
    lists them; export the plan as it is now (`flask plan export YEAR`) and edit that, or
    load with --force to overwrite them."""
    path = file or builtin_plan_path()
    if not path.exists():
        raise click.ClickException(f"{path}: no such file")
    click.echo(_load(path, force=force).summary())


def _load(path: Path, *, force: bool = False):
    try:
        return load_plan_file(path, force=force)
    except PlanError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{path}: {len(error.problems)} problem(s); nothing was loaded"
        ) from error
    except PlanConflict as conflict:
        for line in conflict.lines():
            click.echo(line, err=True)
        raise click.ClickException(
            f"{path}: {len(conflict.conflicts)} series changed on the web since the last plan "
            "load would be overwritten; nothing was loaded. Export the plan as it is now "
            "(`flask plan export YEAR`) and edit that, or load with --force to overwrite them"
        ) from conflict


@plan_group.command("export")
@click.argument("year", type=int)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan file here (default: standard output).",
)
@with_appcontext
def export_command(year: int, output: Path | None) -> None:
    """Write the plan of YEAR as it is now, web changes and occurrences moved, cancelled or
    edited by hand included, as a plan file that `flask plan load` reproduces."""
    try:
        text = dump_plan(export_document(year), year)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@plan_group.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def validate_command(file: Path | None) -> None:
    """Check FILE (default: the built-in 2024 plan) without loading anything."""
    path = file or builtin_plan_path()
    if not path.exists():
        raise click.ClickException(f"{path}: no such file")
    try:
        document, _raw = read_plan(path, **plan_limits())
    except PlanError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{path}: {len(error.problems)} problem(s)") from error
    click.echo(
        f"{path}: plan {document.plan.year} is valid: {len(document.organisations)} organisations, "
        f"{len(document.all_activities())} activities, {len(document.series)} series, "
        f"{len(document.indicators)} indicators"
    )


@plan_group.command("roll")
@click.argument("from_year", type=int)
@click.option("--to", "to_year", type=int, required=True, help="The year to draft.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the draft plan file (default: instance/plans/plan-YEAR.yaml).",
)
@click.option("--load/--no-load", default=True, show_default=True, help="Load the draft too.")
@click.option("--force", is_flag=True, help="Overwrite an existing draft file.")
@with_appcontext
def roll_command(from_year: int, to_year: int, output: Path | None, load: bool, force: bool):
    """Draft TO's plan from the loaded FROM_YEAR plan: same cadences, new dates, a draft."""
    output = output or _draft_path(to_year)
    if output.exists() and not force:
        raise click.ClickException(
            f"{output} exists (perhaps already edited): load it with `flask plan load {output}`, "
            "or roll again with --force to overwrite it"
        )
    try:
        roll_plan(from_year, to_year, output)
    except RollError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"drafted {output}")
    if load:
        click.echo(_load(output, force=force).summary())


@plan_group.command("publish")
@click.argument("year", type=int)
@with_appcontext
def publish_command(year: int) -> None:
    """Publish the draft plan of YEAR (as the plan page's "Publish" button)."""
    try:
        plan = publish_plan(year)
    except PlanServiceError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"plan {plan.year} is published")


@plan_group.command("demo")
@click.option(
    "--replay/--no-replay",
    default=True,
    show_default=True,
    help="Replay the 2024 plan into this and next year as demo data "
    "(--no-replay: only draft this year from it, as `flask plan roll` does).",
)
@with_appcontext
def demo_command(replay: bool) -> None:
    """Load the built-in 2024 plan and the demo data around today. Safe to repeat."""
    try:
        click.echo(load_plan_file().summary())
    except PlanConflict as conflict:  # the demo goes on with the plan as it is
        click.echo(
            f"the built-in plan was not loaded again: {len(conflict.conflicts)} series changed "
            "on the web since (`flask plan load --force` overwrites them)",
            err=True,
        )
    this_year = local_today().year
    if replay:
        for report in replay_demo(this_year, _draft_path(this_year).parent):
            click.echo(f"demo {report.summary()}")
        return
    if this_year > 2024:
        draft = _draft_path(this_year)
        if not draft.exists():  # a draft someone may have edited is loaded, not replaced
            roll_plan(2024, this_year, draft)
            click.echo(f"drafted {draft}")
        click.echo(load_plan_file(draft).summary())


def local_today():
    return utcnow().astimezone(zone()).date()


def _draft_path(year: int) -> Path:
    from flask import current_app

    return Path(current_app.instance_path) / "plans" / f"plan-{year}.yaml"


commands = [plan_group]
