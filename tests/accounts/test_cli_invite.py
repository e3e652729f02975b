"""`flask users invite EMAIL --role ROLE [--org SLUG]` mails the invitation and prints the link."""

from __future__ import annotations

import re

from scheduler.accounts.models import Role, find_user
from tests.accounts.support import captured_mail, link_in, path_of
from tests.factories import make_org
from tests.support.people import fresh


def test_the_command_invites_mails_and_prints_the_same_link(app, runner):
    make_org("tartu")
    result = runner.invoke(
        args=["users", "invite", "new@tartu.ee", "--role", "coordinator", "--org", "tartu"]
        + ["--name", "Mari", "--locale", "en"]
    )
    assert result.exit_code == 0, result.output
    printed = re.search(r"https?://\S+", result.output).group(0)
    (mail,) = captured_mail(app)
    assert link_in(mail) == printed and mail["To"] == "new@tartu.ee"
    assert mail["Subject"] == "You are invited to the ELVL scheduler"
    user = find_user("new@tartu.ee")
    assert (user.role, user.organisation.slug, user.name) == (Role.COORDINATOR, "tartu", "Mari")
    fresh()
    assert app.test_client().get(path_of(printed)).status_code == 200


def test_a_coordinator_without_organisation_or_an_unknown_one_is_refused(app, runner):
    missing = runner.invoke(args=["users", "invite", "a@b.ee", "--role", "coordinator"])
    unknown = runner.invoke(args=["users", "invite", "a@b.ee", "--role", "viewer", "--org", "x"])
    assert missing.exit_code != 0 and "needs --org" in missing.output
    assert unknown.exit_code != 0 and "unknown organisation" in unknown.output
    assert find_user("a@b.ee") is None and captured_mail(app) == []
