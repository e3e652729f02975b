"""Who may invite whom, and what the invitation link does (once, for 7 days)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.accounts.models import Role, find_user
from tests.accounts.conftest import PASSWORD, fresh, sign_in
from tests.accounts.support import captured_mail, link_in, link_made_ago, make_person, path_of
from tests.factories import make_org

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def coordinator(app):
    make_org("narva")
    return make_person("coord@tartu.ee", Role.COORDINATOR, "tartu")


def _invite(client, **form):
    fresh()
    return client.post("/account/people/invite?lang=en", data={"locale": "en", **form})


def test_an_admin_invites_a_coordinator_who_gets_a_mail_in_their_language(app, client, admin):
    make_org("tartu")
    sign_in(client)
    response = _invite(
        client, email="new@tartu.ee", role="coordinator", organisation="tartu", locale="ru"
    )
    assert response.status_code == 302
    (mail,) = captured_mail(app)
    assert mail["To"] == "new@tartu.ee"
    assert mail["Subject"] == "Приглашение в планировщик ELVL"
    assert "/account/invitation/" in link_in(mail)
    invited = find_user("new@tartu.ee")
    assert invited.role == Role.COORDINATOR and invited.organisation.slug == "tartu"
    assert invited.locale == "ru" and not invited.password_hash


def test_the_invitation_link_sets_a_password_and_signs_in_once(app, client, admin):
    make_org("tartu")
    sign_in(client)
    _invite(client, email="new@tartu.ee", role="organiser", organisation="tartu")
    path = path_of(link_in(captured_mail(app)[0]))

    newcomer = app.test_client()
    fresh()
    assert newcomer.get(path).status_code == 200
    fresh()
    response = newcomer.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    fresh()
    assert newcomer.get("/account/").status_code == 200  # signed in

    fresh()
    again = app.test_client().get(path + "?lang=en")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), "new@tartu.ee", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("days", "status"), [(6.9, 200), (7.1, 410)])
def test_an_invitation_works_for_seven_days(app, admin, days, status):
    from scheduler.accounts.links import INVITATION

    invited = make_person("late@tartu.ee", Role.VIEWER, "tartu")
    token = link_made_ago(app, invited, INVITATION, timedelta(days=days))
    fresh()
    response = app.test_client().get(f"/account/invitation/{token}?lang=en")
    assert response.status_code == status
    if status == 410:
        assert "expired" in response.get_data(as_text=True)


def test_a_forged_or_altered_link_is_a_bad_request_page(app, client, admin):
    make_org("tartu")
    sign_in(client)
    _invite(client, email="new@tartu.ee", role="viewer", organisation="tartu")
    path = path_of(link_in(captured_mail(app)[0]))
    fresh()
    altered = app.test_client().get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    fresh()
    made_up = app.test_client().get("/account/invitation/not-a-token?lang=en")
    assert altered.status_code == 400 and made_up.status_code == 400
    page = made_up.get_data(as_text=True)
    assert "<html" in page and "not valid" in page


def test_a_reset_link_is_not_an_invitation(app, admin):
    from scheduler.accounts.links import RESET, user_token

    with app.test_request_context():
        token = user_token(admin, RESET)
    fresh()
    assert app.test_client().get(f"/account/invitation/{token}").status_code == 400


def test_a_coordinator_invites_organisers_of_their_own_organisation(app, client, coordinator):
    sign_in(client, "coord@tartu.ee")
    response = _invite(client, email="club@tartu.ee", role="organiser", organisation="tartu")
    assert response.status_code == 302
    assert find_user("club@tartu.ee").organisation.slug == "tartu"


@pytest.mark.parametrize(
    ("role", "organisation"),
    [("admin", "tartu"), ("coordinator", "tartu"), ("organiser", "narva")],
)
def test_a_coordinator_cannot_invite_an_admin_a_coordinator_or_into_another_organisation(
    app, client, coordinator, role, organisation
):
    sign_in(client, "coord@tartu.ee")
    response = _invite(client, email="x@tartu.ee", role=role, organisation=organisation)
    assert response.status_code == 403
    assert find_user("x@tartu.ee") is None
    assert captured_mail(app) == []


def test_the_policy_and_the_page_agree_for_a_coordinator(app, client, coordinator):
    """The form offers only their organisation; a hand-made request with another gets 403."""
    from scheduler.core.policy import can

    narva = make_org("narva")
    assert not can(coordinator, "invite", (Role.ORGANISER, narva.id))
    assert not can(coordinator, "invite", (Role.ADMIN, coordinator.organisation_id))
    assert can(coordinator, "invite", (Role.VIEWER, coordinator.organisation_id))
    sign_in(client, "coord@tartu.ee")
    response = _invite(client, email="x@narva.ee", role="organiser", organisation="narva")
    assert response.status_code == 403
    no_organisation = _invite(client, email="y@tartu.ee", role="viewer", organisation="")
    assert no_organisation.status_code == 403


def test_organisers_and_viewers_may_not_invite_at_all(app, client):
    make_person("club@tartu.ee", Role.ORGANISER, "tartu")
    sign_in(client, "club@tartu.ee")
    fresh()
    assert client.get("/account/people").status_code == 403
    response = _invite(client, email="x@tartu.ee", role="viewer", organisation="tartu")
    assert response.status_code == 403


def test_someone_with_an_account_is_not_invited_again(app, client, admin):
    make_org("tartu")
    make_person("old@tartu.ee", Role.ORGANISER, "tartu")
    sign_in(client)
    response = _invite(client, email="old@tartu.ee", role="viewer", organisation="tartu")
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)
    assert find_user("old@tartu.ee").role == Role.ORGANISER


def test_the_password_of_the_inviting_admin_is_unchanged(app, client, admin):
    make_org("tartu")
    sign_in(client)
    _invite(client, email="new@tartu.ee", role="viewer", organisation="tartu")
    assert sign_in(app.test_client(), "adviser@elvl.ee", PASSWORD).status_code == 302


def test_an_invitation_the_mail_server_refuses_is_reported_and_can_be_sent_again(
    app, client, admin
):
    from scheduler.extensions import mail
    from tests.smtp_sink import SmtpSink

    make_org("tartu")
    sink = SmtpSink().start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SUPPRESS_SEND=False)
        mail.init_app(app)
        sink.handler.refuse.add("new@tartu.ee")
        sign_in(client)
        response = _invite(client, email="new@tartu.ee", role="viewer", organisation="tartu")
        fresh()
        page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
        assert "could not be mailed" in page and "new@tartu.ee" in page
        assert sink.received == []

        sink.handler.refuse.clear()
        response = _invite(client, email="new@tartu.ee", role="viewer", organisation="tartu")
        assert response.status_code == 302
        (received,) = sink.received
        assert received.recipients == ["new@tartu.ee"]
    finally:
        sink.stop()


def test_a_coordinator_cannot_take_over_an_admins_pending_invitation(app, client, admin):
    from scheduler.accounts.links import INVITATION, user_of_token

    make_org("tartu")
    make_person("coord@tallinn.ee", Role.COORDINATOR, "tallinn")
    sign_in(client)
    _invite(client, email="x@elvl.ee", role="admin", organisation="")
    admin_link = path_of(link_in(captured_mail(app)[0]))

    coordinator = app.test_client()
    sign_in(coordinator, "coord@tallinn.ee")
    response = _invite(coordinator, email="x@elvl.ee", role="organiser", organisation="tallinn")
    assert response.status_code == 400
    assert "already invited by someone else" in response.get_data(as_text=True)
    invited = find_user("x@elvl.ee")
    assert (invited.role, invited.organisation) == (Role.ADMIN, None)
    assert len(captured_mail(app)) == 1  # no second mail either
    assert user_of_token(admin_link.rsplit("/", 1)[1], INVITATION).role == Role.ADMIN


def test_a_coordinator_cannot_move_another_organisations_pending_organiser(app, client, admin):
    make_org("tartu")
    make_person("coord@tallinn.ee", Role.COORDINATOR, "tallinn")
    sign_in(client)
    _invite(client, email="x@tartu.ee", role="organiser", organisation="tartu")
    coordinator = app.test_client()
    sign_in(coordinator, "coord@tallinn.ee")
    response = _invite(coordinator, email="x@tartu.ee", role="organiser", organisation="tallinn")
    assert response.status_code == 400
    assert find_user("x@tartu.ee").organisation.slug == "tartu"


def test_inviting_a_deactivated_person_does_not_reactivate_them(app, client, admin):
    from scheduler.accounts.services import deactivate

    make_org("tartu")
    for email, password in (("gone@tartu.ee", PASSWORD), ("pending@tartu.ee", None)):
        person = make_person(email, Role.ORGANISER, "tartu")
        person.password_hash = person.password_hash if password else None
        deactivate(person)
    sign_in(client)
    for email in ("gone@tartu.ee", "pending@tartu.ee"):
        response = _invite(client, email=email, role="viewer", organisation="tartu")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "deactivated" in page or "already has an account" in page
        person = find_user(email)
        assert not person.active and person.role == Role.ORGANISER
    assert captured_mail(app) == []


def test_an_admin_may_send_a_pending_invitation_again_with_another_role(app, client, admin):
    make_org("tartu")
    sign_in(client)
    _invite(client, email="x@tartu.ee", role="organiser", organisation="tartu")
    response = _invite(client, email="x@tartu.ee", role="viewer", organisation="tartu")
    assert response.status_code == 302
    assert find_user("x@tartu.ee").role == Role.VIEWER
    assert len(captured_mail(app)) == 2


def test_the_command_line_does_not_reactivate_a_deactivated_person(app, runner):
    from scheduler.accounts.services import deactivate

    person = make_person("gone@tartu.ee", Role.ORGANISER, "tartu")
    person.password_hash = None
    deactivate(person)
    result = runner.invoke(args=["users", "invite", "gone@tartu.ee", "--role", "viewer"])
    assert result.exit_code != 0 and "deaktiveeritud" in result.output  # the default, et
    assert not find_user("gone@tartu.ee").active


def test_re_invitations_of_one_address_are_limited_with_a_429(app, client, admin):
    make_org("tartu")
    sign_in(client)
    for _ in range(3):
        response = _invite(client, email="x@tartu.ee", role="viewer", organisation="tartu")
        assert response.status_code == 302
    refused = _invite(client, email="x@tartu.ee", role="viewer", organisation="tartu")
    assert refused.status_code == 429
    assert "Too many requests to send mail." in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 60 * 60
    assert len(captured_mail(app)) == 3
    assert (
        _invite(client, email="y@tartu.ee", role="viewer", organisation="tartu").status_code == 302
    )


def test_invitations_from_one_client_address_are_limited(app, client, admin):
    make_org("tartu")
    app.config["INVITATION_MAX_PER_ADDRESS"] = 2
    sign_in(client)
    for email in ("a@tartu.ee", "b@tartu.ee"):
        assert _invite(client, email=email, role="viewer", organisation="tartu").status_code == 302
    assert (
        _invite(client, email="c@tartu.ee", role="viewer", organisation="tartu").status_code == 429
    )
    assert find_user("c@tartu.ee") is None
