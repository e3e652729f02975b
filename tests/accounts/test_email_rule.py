"""One rule for account addresses: what `flask users create` takes, the sign-in form takes."""

from __future__ import annotations

import pytest

from scheduler.accounts.addresses import InvalidEmail, normalise_email
from tests.accounts.conftest import PASSWORD
from tests.support.people import sign_in


def _create(runner, email: str):
    return runner.invoke(args=["users", "create", email, "--role", "admin", "--password", PASSWORD])


@pytest.mark.parametrize("email", ["admin@x.test", "Admin@Tallinn.EE", "ülle@näide.ee"])
def test_an_address_the_command_creates_signs_in_on_the_form(runner, client, email):
    result = _create(runner, email)
    assert result.exit_code == 0, result.output
    assert sign_in(client, email, query="?lang=en").status_code == 302


@pytest.mark.parametrize(
    "email", ["admin@localhost", "admin@x.local", "admin@x.invalid", "no-at-sign", "a b@x.ee"]
)
def test_an_address_the_form_refuses_the_command_refuses_too(runner, client, email):
    result = _create(runner, email)
    assert result.exit_code == 2 and "not a valid email address" in result.output
    response = sign_in(client, email, query="?lang=en")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.get_data(as_text=True)
    with pytest.raises(InvalidEmail):
        normalise_email(email)


def test_invite_uses_the_same_rule(runner):
    result = runner.invoke(args=["users", "invite", "new@x.local", "--role", "viewer"])
    assert result.exit_code == 2 and "not a valid email address" in result.output


def test_the_stored_form_is_lower_case():
    assert normalise_email("  Admin@X.Test ") == "admin@x.test"


def test_a_feed_token_for_a_new_person_uses_the_same_rule(runner):
    refused = runner.invoke(args=["feeds", "token", "create", "someone@localhost"])
    assert refused.exit_code == 2 and "not a valid email address" in refused.output
    accepted = runner.invoke(args=["feeds", "token", "create", "Someone@X.Test"])
    assert accepted.exit_code == 0 and "created user someone@x.test" in accepted.output
