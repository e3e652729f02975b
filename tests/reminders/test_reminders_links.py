"""The signed links in reminder mail: follow-up form and opt-out. GET never changes anything."""

from __future__ import annotations

import re
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from factories import make_org, make_series
from reminders_support import make_event

from scheduler.events.models import EventStatus
from scheduler.events.service import move_occurrence
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from scheduler.reminders.dispatch import dispatch_due
from scheduler.reminders.models import ReminderOptOut
from scheduler.reminders.tokens import followup_token, opt_out_token
from tests.support.time import tallinn


def sent_links(app) -> dict[str, str]:
    """The links in the captured mail, by kind (follow-up, opt-out)."""
    links = {}
    for path in Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml"):
        text = message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",))
        for url in re.findall(r"https?://\S+", text.get_content()):
            links["followup" if "/followup/" in url else "opt_out"] = url
    return links


@pytest.fixture
def held_event(app):
    make_org("narva-linn", OrganisationKind.KOV, name="Narva linn")
    make_org("tartu", OrganisationKind.PARTNER, name="Tartu linn")
    make_org("elvl", OrganisationKind.IMPLEMENTER, name="ELVL")
    series = make_series(organisers=["leader@x.ee"], title="Keelekohvik")
    event = make_event(series, tallinn(2024, 3, 5, 18))
    db.session.commit()
    return event


def test_the_follow_up_mail_links_to_a_form_that_records_the_outcome(
    app, held_event, live_server, page
):
    app.config["BASE_URL"] = live_server
    dispatch_due(tallinn(2024, 3, 5, 22))
    link = sent_links(app)["followup"]

    page.goto(link)
    assert page.locator("h1").inner_text() == "How did it go?"
    labels = page.locator("form#outcome fieldset").nth(1).inner_text()
    assert "Narva linn" in labels and "Tartu linn" in labels and "ELVL" not in labels
    db.session.expire_all()
    assert held_event.status == EventStatus.PLANNED  # opening the link changed nothing

    page.check("input[name=held][value=yes]")
    page.fill("#attendance", "14")
    page.check("input[name=kov][value=narva-linn]")
    page.check("input[name=kov][value=tartu]")
    page.click("button[type=submit]")
    assert "Keelekohvik" in page.locator("#recorded").inner_text()

    db.session.expire_all()
    assert held_event.status == EventStatus.HELD
    assert held_event.attendance == 14
    assert [o.slug for o in held_event.participants] == ["narva-linn", "tartu"]

    response = page.goto(link)  # the same link again: the event has changed since
    assert response.status == 410
    assert "has changed since this link was sent" in page.locator("#refusal").inner_text()


def test_a_get_never_changes_state_and_bad_input_is_answered(client, held_event):
    url = f"/reminders/followup/{followup_token(held_event, 'leader@x.ee')}"
    assert client.get(url).status_code == 200
    answer = client.post(url, data={"attendance": "-3"})
    assert answer.status_code == 400
    assert b"Please say whether the event was held." in answer.data
    assert b"Attendance cannot be negative." in answer.data
    db.session.expire_all()
    assert (held_event.status, held_event.attendance) == (EventStatus.PLANNED, None)


def test_forged_expired_and_changed_event_links_are_refused_with_a_clear_page(
    app, client, held_event, monkeypatch
):
    token = followup_token(held_event, "leader@x.ee")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    answer = client.get(f"/reminders/followup/{forged}")
    assert answer.status_code == 403 and b"not valid" in answer.data

    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: 1_600_000_000.0)  # signed long ago
        old = followup_token(held_event, "leader@x.ee")
    answer = client.post(f"/reminders/followup/{old}", data={"held": "yes"})
    assert answer.status_code == 410 and b"expired" in answer.data

    move_occurrence(held_event, tallinn(2024, 3, 6, 18))
    db.session.commit()
    for method in (client.get, client.post):
        answer = method(f"/reminders/followup/{token}", data={"held": "no"})
        assert answer.status_code == 410 and b"has changed since" in answer.data
    db.session.expire_all()
    assert held_event.status == EventStatus.PLANNED


def test_opt_out_link_asks_first_and_stops_later_reminders(app, client, held_event):
    url = f"/reminders/opt-out/{opt_out_token('leader@x.ee')}"
    assert b"Stop reminder emails" in client.get(url).data
    assert db.session.get(ReminderOptOut, "leader@x.ee") is None
    assert client.post(url, data={"action": "out"}).status_code == 200
    assert db.session.get(ReminderOptOut, "leader@x.ee") is not None
    report = dispatch_due(tallinn(2024, 3, 1, 9))
    assert (report.sent, report.skipped) == (0, 1)
    assert client.get("/reminders/opt-out/not-a-token").status_code == 403


def test_a_refused_follow_up_shows_each_error_next_to_its_field(client, held_event):
    url = f"/reminders/followup/{followup_token(held_event, 'leader@x.ee')}?lang=et"
    page = client.post(url, data={"held": "yes", "attendance": "-3", "note": "rain"})
    text = page.get_data(as_text=True)

    assert page.status_code == 400
    attendance = re.search(r"<input[^>]*id=\"attendance\"[^>]*>", text).group(0)
    assert (
        'aria-invalid="true"' in attendance and 'aria-describedby="attendance-error"' in attendance
    )
    error = re.search(r'id="attendance-error">([^<]*)<', text).group(1)
    assert error == "Osalejate arv ei saa olla negatiivne."
    assert 'value="-3"' in attendance and ">rain</textarea>" in text, "what was typed stays"
    assert 'value="yes" checked' in text and "held-error" not in text
