"""`flask plan …`: load the yearly plan, roll it into the next year."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..core.time import utcnow, zone
from .demo import replay_demo
from .loader import builtin_plan_path, load_plan_file, plan_limits
from .roll import RollError, roll_plan
from .schema import PlanError, read_plan

plan_group = click.Group("plan", help="Load and roll yearly action plans.")


@plan_group.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def load_command(file: Path | None) -> None:
    """Validate and load FILE (default: the built-in 2024 plan). Safe to repeat."""
    path = file or builtin_plan_path()
    if not path.exists():
        raise click.ClickException(f"{path}: no such file")
    try:
        report = load_plan_file(path)
    except PlanError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{path}: {len(error.problems)} problem(s); nothing was loaded"
        ) from error
    click.echo(report.summary())


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
        click.echo(load_plan_file(output).summary())


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
    click.echo(load_plan_file().summary())
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
