"""`flask feeds …`: private feed tokens, and printing a feed to check it."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..accounts.addresses import cli_email
from ..accounts.models import Role, User, find_user
from ..core.bounds import cli_require_fits, column_length, is_valid_id
from ..extensions import db
from . import models
from .links import links_for

feeds_group = click.Group("feeds", help="Calendar feeds and their private links.")
token_group = click.Group("token", help="Private feed links (tokens).")
feeds_group.add_command(token_group)


def _private_urls(secret: str) -> list[tuple[str, str]]:
    with current_app.test_request_context():
        mine = links_for("feeds.private_mine", token=secret)
        everything = links_for("feeds.private_all", token=secret)
        org_example = links_for("feeds.private", token=secret, kind="org", value="SLUG")
    return [
        ("my events", mine.https),
        ("my events (webcal)", mine.webcal),
        ("all events, internal too", everything.https),
        ("one organisation", org_example.https),
        ("add to Google", mine.google),
    ]


@token_group.command("create")
@click.argument("email")
@click.option("--label", help="What the link is for, e.g. 'Outlook at work'.")
@click.option(
    "--create-user/--no-create-user",
    default=True,
    show_default=True,
    help="Create an organiser account (without a password) when EMAIL is unknown.",
)
@with_appcontext
def create_command(email: str, label: str | None, create_user: bool) -> None:
    """Create a private feed link for EMAIL; the secret is printed once and stored hashed."""
    cli_require_fits(email.strip(), column_length(User.email), "EMAIL")
    cli_require_fits(label, column_length(models.FeedToken.label), "--label")
    user = find_user(email)
    if user is None:
        if not create_user:
            raise click.ClickException(f"no user {email.strip().lower()}")
        user = User(email=cli_email(email), role=Role.ORGANISER)
        db.session.add(user)
        click.echo(f"created user {user.email} (organiser, no password: cannot sign in)")
    row, secret = models.issue_token(user, label)
    db.session.commit()
    click.echo(f"token {row.id} for {user.email} ({row.hint}…); shown once, keep it secret:")
    for name, url in _private_urls(secret):
        click.echo(f"  {name:<26} {url}")


@token_group.command("list")
@click.argument("email", required=False)
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked tokens.")
@with_appcontext
def list_command(email: str | None, include_revoked: bool) -> None:
    """List private feed links (never their secrets)."""
    stmt = db.select(models.FeedToken).order_by(models.FeedToken.id)
    if email:
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"no user {email.strip().lower()}")
        stmt = stmt.where(models.FeedToken.user_id == user.id)
    if not include_revoked:
        stmt = stmt.where(models.FeedToken.revoked_at.is_(None))
    for row in db.session.scalars(stmt):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        click.echo(
            f"{row.id:>5}  {row.hint}…  {row.user.email:<36} {row.created_at:%Y-%m-%d}  "
            f"{state:<18} {row.label or ''}"
        )


@token_group.command("revoke")
@click.argument("which", nargs=-1)
@click.option("--user", "email", help="Revoke every token of this user.")
@with_appcontext
def revoke_command(which: tuple[str, ...], email: str | None) -> None:
    """Revoke tokens by id, by the secret itself, or all of --user EMAIL."""
    rows = [_find_token(item) for item in which]
    if email:
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"no user {email.strip().lower()}")
        rows += models.tokens_of(user)
    if not rows:
        raise click.UsageError("name tokens by id or secret, or give --user EMAIL")
    for row in rows:
        models.revoke(row)
    db.session.commit()
    for row in rows:
        click.echo(f"revoked token {row.id} ({row.hint}…) of {row.user.email}")


def _find_token(item: str) -> models.FeedToken:
    row = None
    if item.isdigit() and is_valid_id(int(item)):
        row = db.session.get(models.FeedToken, int(item))
    if row is None:
        row = db.session.scalars(
            db.select(models.FeedToken).where(
                models.FeedToken.token_hash == models.hash_token(item)
            )
        ).one_or_none()
    if row is None:
        raise click.ClickException(f"no token {item}")
    return row


commands = [feeds_group]
