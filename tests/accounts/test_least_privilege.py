"""Least privilege by default: the invitation form starts at the least role and lists the
partners before the 79 local governments; a pending invitation follows a role change; the
first administrator keeps the language they signed up in."""

from __future__ import annotations

import re

from scheduler.accounts.links import first_admin_token
from scheduler.accounts.models import Role, User, find_user
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from scheduler.plans.loader import ensure_local_governments
from tests.accounts.conftest import fresh, sign_in
from tests.accounts.support import captured_mail
from tests.factories import make_org


def _invite_form(client) -> str:
    page = client.get("/account/people?lang=en").get_data(as_text=True)
    return re.search(r'<select[^>]*name="role".*?</select>.*?</select>', page, re.S).group(0)


def test_the_invitation_starts_at_the_least_role_with_partners_first(app, client, admin):
    make_org("tartu")
    make_org("elvl", kind=OrganisationKind.IMPLEMENTER, name="ELVL")
    ensure_local_governments()
    db.session.commit()
    sign_in(client)
    form = _invite_form(client)
    roles = re.findall(r'<option[^>]*value="(admin|coordinator|organiser|viewer)"', form)
    assert roles == ["viewer", "organiser", "coordinator", "admin"]
    assert re.search(r'<option selected value="viewer"|<option value="viewer" selected', form)
    organisations = form.split('name="organisation"')[1]
    first_group = organisations.index("<optgroup")
    assert 'value="tartu"' in organisations[:first_group]
    assert 'value="elvl"' in organisations[:first_group]
    assert '<optgroup label="Local governments">' in organisations
    assert organisations.index('value="elva"') > first_group, "a local government, after"


def test_a_pending_invitation_is_sent_again_naming_the_new_role(app, client, admin):
    make_org("tartu")
    sign_in(client)
    fresh()
    client.post(
        "/account/people/invite?lang=en",
        data={"email": "new@tartu.ee", "role": "admin", "organisation": "tartu", "locale": "en"},
    )
    invited = find_user("new@tartu.ee")
    fresh()
    answer = client.post(f"/account/people/{invited.id}/role?lang=en", data={"role": "viewer"})
    assert answer.status_code == 302
    first, again = captured_mail(app)
    assert "Role: administrator." in first.get_body(("plain",)).get_content()
    assert "Role: viewer." in again.get_body(("plain",)).get_content()
    db.session.expire_all()
    assert find_user("new@tartu.ee").role == Role.VIEWER


def test_a_role_change_of_someone_with_an_account_sends_no_invitation(app, client, admin):
    from tests.accounts.support import make_person

    person = make_person("leader@tartu.ee", Role.ORGANISER, "tartu")
    sign_in(client)
    fresh()
    client.post(f"/account/people/{person.id}/role?lang=en", data={"role": "viewer"})
    assert captured_mail(app) == []


def test_the_first_administrator_keeps_the_language_they_signed_up_in(app, client):
    db.session.query(User).delete()
    db.session.commit()
    token = first_admin_token()
    answer = client.post(
        f"/account/first-admin/{token}?lang=ru",
        data={
            "email": "adviser@elvl.ee",
            "password": "a long password here",
            "confirm": "a long password here",
        },
    )
    assert answer.status_code == 302
    assert find_user("adviser@elvl.ee").locale == "ru"
