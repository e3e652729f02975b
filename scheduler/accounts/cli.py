"""`flask users …`: create and list the people who sign in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..core.bounds import cli_require_fits, column_length
from ..core.localized import LANGUAGES
from ..extensions import db
from ..organisations.models import Organisation
from .addresses import cli_email
from .models import Role, User, find_user
from .services import change_password, deactivate

users_group = click.Group("users", help="People who sign in.")


@users_group.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="organiser", show_default=True
)
@click.option("--org", help="Organisation slug (coordinators and organisers).")
@click.option("--name")
@click.option("--locale", type=click.Choice(LANGUAGES), default="et", show_default=True)
@click.option("--password", help="Set a password (prompted for when omitted with --prompt).")
@click.option("--prompt", is_flag=True, help="Ask for the password.")
@with_appcontext
def create_command(email, role, org, name, locale, password, prompt) -> None:
    """Create or update the user EMAIL."""
    email = _valid_email(email)
    cli_require_fits(name, column_length(User.name), "--name")
    if prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    organisation = _organisation_option(org, role)
    user = find_user(email) or User(email=email.strip().lower())
    user.role, user.organisation, user.locale = Role(role), organisation, locale
    user.name = name or user.name
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"{user.email}: {user.role.value}{' of ' + org if org else ''}")


def _valid_email(email: str) -> str:
    """EMAIL as the sign-in form would take it (accounts/addresses.py), else a usage error."""
    cli_require_fits(email.strip(), column_length(User.email), "EMAIL")
    return cli_email(email)


def _existing_user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.BadParameter(f"no user {email}", param_hint="EMAIL")
    return user


@users_group.command("password")
@click.argument("email")
@click.password_option("--password", prompt="New password", help="Prompted for when omitted.")
@with_appcontext
def password_command(email, password) -> None:
    """Set a new password for EMAIL; the user's existing sessions end."""
    change_password(_existing_user(email), password)
    click.echo(f"{email}: password changed, existing sessions ended")


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate_command(email) -> None:
    """EMAIL can no longer sign in; the user's existing sessions end."""
    deactivate(_existing_user(email))
    click.echo(f"{email}: deactivated, existing sessions ended")


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    for user in db.session.query(User).order_by(User.email):
        org = user.organisation.slug if user.organisation else "-"
        state = "" if user.active else " inactive"
        click.echo(f"{user.email:<40} {user.role.value:<12} {org:<10} {user.locale}{state}")


@users_group.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", help="Organisation slug (coordinators need one).")
@click.option("--name")
@click.option("--locale", type=click.Choice(LANGUAGES), default="et", show_default=True)
@with_appcontext
def invite_command(email, role, org, name, locale) -> None:
    """Mail EMAIL an invitation (a link to choose a password, valid 7 days); print the link."""
    from .services import AccountError, invite

    email = _valid_email(email)
    cli_require_fits(name, column_length(User.name), "--name")
    organisation = _organisation_option(org, role)
    try:
        user, link, failure = invite(email, role, organisation, name=name, locale=locale)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{user.email}: invited as {user.role.value}{' of ' + org if org else ''}")
    if failure is not None:
        click.echo(f"the mail could not be sent ({failure}); pass the link on yourself:", err=True)
    click.echo(link)


@users_group.command("first-admin-link")
@with_appcontext
def first_admin_link_command() -> None:
    """Print a one-time link that creates the first administrator (while there is none)."""
    from ..mail.message import link_to
    from .links import admin_exists, first_admin_token

    if admin_exists():
        click.echo("An administrator exists: sign in at " + link_to("accounts.login"))
        return
    link = link_to("accounts.first_admin", token=first_admin_token())
    click.echo("No administrator yet. Open this link to create the first one:")
    click.echo(link)


def _organisation_option(org: str | None, role: str) -> Organisation | None:
    """The organisation named by --org; a coordinator must have one."""
    organisation = None
    if org:
        organisation = db.session.query(Organisation).filter_by(slug=org).one_or_none()
        if organisation is None:
            raise click.BadParameter(f"unknown organisation '{org}'", param_hint="--org")
    if Role(role) == Role.COORDINATOR and organisation is None:
        raise click.BadParameter("a coordinator needs --org", param_hint="--org")
    return organisation


commands = [users_group]
