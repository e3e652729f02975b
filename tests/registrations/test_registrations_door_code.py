"""The QR code at the door: the confirmation mail carries it and the personal page shows it;
it holds a signed check-in code, no personal data, that marks its registration present once,
for this occurrence only, and dies with the registration. The printable sign-in sheet."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from registrations_support import link_in, mails_to, sign_up

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.registrations.door_code import QR_CONTENT_ID, checkin_url, qr_png
from scheduler.registrations.models import Registration
from scheduler.registrations.service import cancel, confirm, open_series
from scheduler.reminders.dispatch import dispatch_due
from tests.factories import expand, make_org, make_series
from tests.support.people import person, signed_in, signed_in_as

pytestmark = pytest.mark.postgres

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def mari(training, event):
    """Mari, registered and confirmed, her mails sent."""
    open_series(training, capacity=5, waitlist=False)
    row = sign_up(event, "mari")
    dispatch_due()  # "confirm your registration": no place yet, no QR code
    confirm(row.id)
    return db.session.get(Registration, row.id)


def _door(client) -> None:
    """The coordinator at the door, reading English (?lang=en in every path below)."""
    person(Role.COORDINATOR, make_org("tartu"), email="koordinaator@tartu.ee")
    signed_in(client, "koordinaator@tartu.ee")


def _tap(client, event_id: int, **data):
    return client.post(f"/events/{event_id}/checkin/tap?lang=en", data=data)


def _code_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["code"][0]


def test_the_confirmation_mail_carries_the_qr_code_of_the_check_in_url(app, mari):
    row_id, event_id, token_hash = mari.id, mari.event_id, mari.token_hash
    dispatch_due()
    confirm_mail, confirmed_mail = mails_to(app, "mari@example.ee")
    assert not [p for p in confirm_mail.iter_attachments() if p.get_content_type() == "image/png"]
    [png] = [p for p in confirmed_mail.iter_attachments() if p.get_content_type() == "image/png"]
    image = png.get_content()
    assert image.startswith(PNG_SIGNATURE)
    assert png["Content-ID"] == f"<{QR_CONTENT_ID}>"
    html = confirmed_mail.get_body(preferencelist=("html",)).get_content()
    assert f'src="cid:{QR_CONTENT_ID}"' in html
    url = checkin_url(event_id, row_id, token_hash)
    # segno draws the same text the same way: the picture holds exactly this URL
    assert image == qr_png(url)
    assert url.startswith(f"{app.config['BASE_URL'].rstrip('/')}/events/{event_id}/checkin?code=")
    assert "mari" not in url.lower() and "example" not in url and token_hash not in url


def test_the_personal_page_shows_the_qr_code_once_a_place_is_held(app, client, training, event):
    open_series(training, capacity=5, waitlist=False)
    row = sign_up(event, "jaan")
    dispatch_due()
    link = link_in(mails_to(app, "jaan@example.ee")[0])
    assert 'alt="QR code for check-in"' not in client.get(link).text  # no place yet
    confirm(row.id)
    page = client.get(link).text
    [src] = re.findall(r'<img src="(data:image/png;base64,[^"]+)" alt="QR code for check-in"', page)
    assert len(src) > 200


def test_a_scanned_code_marks_its_registration_present_once(client, mari):
    event_id, row_id = mari.event_id, mari.id
    url = checkin_url(event_id, row_id, mari.token_hash)
    _door(client)
    first = client.post(f"/events/{event_id}/checkin/tap?lang=en", data={"code": url})
    assert first.status_code == 200, first.text
    assert first.json["id"] == row_id and first.json["already"] is False
    assert first.json["message"] == "Mari is present."
    assert first.json["present_text"] == "Present: 1."
    when = db.session.get(Registration, row_id).checked_in_at
    # the code alone (a scanner that reads only it) is the same registration; twice: nothing
    again = client.post(f"/events/{event_id}/checkin/tap?lang=en", data={"code": _code_of(url)})
    assert again.status_code == 200 and again.json["already"] is True
    db.session.expire_all()
    assert db.session.get(Registration, row_id).checked_in_at == when


def test_a_tap_sent_again_after_a_lost_connection_changes_nothing(client, mari):
    event_id, row_id = mari.event_id, mari.id
    _door(client)
    answers = [
        client.post(f"/events/{event_id}/checkin/tap?lang=en", data={"registration": str(row_id)})
        for _ in range(3)
    ]
    assert [a.json["already"] for a in answers] == [False, True, True]
    assert {a.json["present"] for a in answers} == {1}


@pytest.mark.parametrize(
    "code",
    [
        "",
        "not-a-code",
        "https://elsewhere.example/checkin?code=WzEsImFiYyJd.forged",
        "WzEsIjAwMDAwMDAwMDAwMCJd.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_forged_or_foreign_code_marks_no_one(client, mari, code):
    event_id = mari.event_id
    _door(client)
    answer = client.post(f"/events/{event_id}/checkin/tap?lang=en", data={"code": code})
    assert answer.status_code == 404 and "message" in answer.json
    assert not db.session.get(Registration, mari.id).checked_in


def test_a_code_is_for_its_own_occurrence_and_dies_with_its_registration(client, mari):
    event_id, row_id, token_hash = mari.event_id, mari.id, mari.token_hash
    other = make_series("other", org=make_org("tartu"), rule=None, title="Teine")
    expand(other)
    db.session.commit()
    url = checkin_url(event_id, row_id, token_hash)
    _door(client)
    assert _tap(client, other.events[0].id, code=url).status_code == 404
    cancel(row_id)
    assert _tap(client, event_id, code=url).status_code == 404
    assert not db.session.get(Registration, row_id).checked_in


def test_someone_without_a_place_is_not_checked_in_by_tap(client, training, event):
    open_series(training, capacity=5, waitlist=False)
    row = sign_up(event, "ootaja")  # pending: never confirmed
    event_id, row_id = event.id, row.id
    _door(client)
    answer = _tap(client, event_id, registration=str(row_id))
    assert answer.status_code == 409
    assert not db.session.get(Registration, row_id).checked_in


@pytest.mark.parametrize(
    ("role", "org", "status"),
    [(Role.ORGANISER, "tartu", 200), (Role.COORDINATOR, "parnu", 403), (Role.VIEWER, "tartu", 403)],
)
def test_the_door_is_for_those_who_see_the_participants(client, mari, role, org, status):
    event_id, url = mari.event_id, checkin_url(mari.event_id, mari.id, mari.token_hash)
    signed_in_as(client, role, make_org(org))
    assert _tap(client, event_id, code=url).status_code == status
    assert client.get(f"/events/{event_id}/checkin/sheet").status_code == status
    assert db.session.get(Registration, mari.id).checked_in == (status == 200)


def test_signed_out_visitors_cannot_use_a_code(client, mari):
    url = checkin_url(mari.event_id, mari.id, mari.token_hash)
    answer = client.post(f"/events/{mari.event_id}/checkin/tap?lang=en", data={"code": url})
    assert answer.status_code == 302 and "/account/login" in answer.location
    assert not db.session.get(Registration, mari.id).checked_in


def test_a_phone_camera_app_opens_the_check_in_page_on_that_person(client, training, mari):
    other = sign_up(mari.event, "jaan")
    confirm(other.id)
    event_id, url = mari.event_id, checkin_url(mari.event_id, mari.id, mari.token_hash)
    _door(client)
    page = client.get(urlsplit(url).path + "?lang=en&" + urlsplit(url).query).text
    assert "Mari" in page and "Jaan" not in page
    assert "No one found." in client.get(f"/events/{event_id}/checkin?code=forged&lang=en").text


def test_the_sign_in_sheet_lists_those_expected_with_a_column_to_sign(client, training, mari):
    elva = make_org("elva", ehak_code="0171")
    walk_in = Registration(
        event_id=mari.event_id, state="confirmed", name="Aadu Kohal", kov_id=elva.id
    )
    walk_in.is_walk_in = walk_in.checked_in = True
    waiting = sign_up(mari.event, "ootaja")  # not confirmed: not expected at the door
    db.session.add(walk_in)
    db.session.commit()
    _door(client)
    page = client.get(f"/events/{mari.event_id}/checkin/sheet?lang=en").text
    assert "Sign-in sheet" in page and "Signature" in page
    body = page.split('class="sign-in-sheet"')[1]
    assert body.index("Aadu Kohal") < body.index("Mari")  # by name
    assert "Elva" in body and waiting.name not in body
    assert body.count('<tr class="blank">') == 8
    checkin = client.get(f"/events/{mari.event_id}/checkin?lang=en").text
    assert f'href="/events/{mari.event_id}/checkin/sheet"' in checkin
