"""The organisers write to everyone registered for an occurrence (each in their own
language's wrapper, through the outbox), and see a series' participant list with its CSV
and XLSX, cells that a spreadsheet could read as formulas kept as text."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from registrations_support import mails_to, reading_english, sign_up

from scheduler.accounts.models import Role
from scheduler.extensions import db
from scheduler.registrations.service import cancel, confirm, open_series
from scheduler.reminders.dispatch import dispatch_due
from tests.factories import make_org

pytestmark = pytest.mark.postgres

MESSAGE = {"subject": "Parking", "text": "Park behind the library.\nSee you!"}


@pytest.fixture
def registered(training, event):
    """Mari (et) has a place, Olga (ru) waits, Jaan cancelled, Anu never confirmed."""
    open_series(training, capacity=1, waitlist=True)
    ids = {}
    for who, language in (("mari", "et"), ("olga", "ru"), ("jaan", "en")):
        ids[who] = sign_up(event, who, language).id
        confirm(ids[who])
    cancel(ids["jaan"])
    sign_up(event, "anu")
    return event.id


def test_writing_reaches_everyone_registered_in_their_own_language(app, client, registered):
    reading_english(client, Role.ORGANISER, "tartu")
    page = client.get(f"/events/{registered}/participants/write?lang=en")
    assert page.status_code == 200 and "It goes to 2 people" in page.text
    answer = client.post(
        f"/events/{registered}/participants/write?lang=en", data=MESSAGE, follow_redirects=True
    )
    assert "The message goes to 2 people." in answer.text
    db.session.remove()
    dispatch_due()
    dispatch_due()
    olga = [m for m in mails_to(app, "olga@example.ee") if "Parking" in m["Subject"]]
    mari = [m for m in mails_to(app, "mari@example.ee") if "Parking" in m["Subject"]]
    assert len(olga) == 1 and len(mari) == 1, "once each"
    assert olga[0]["Content-Language"] == "ru" and "Тренинг" in olga[0]["Subject"]
    assert mari[0]["Content-Language"] == "et" and "Koolitus" in mari[0]["Subject"]
    text = olga[0].get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Park behind the library.\nSee you!" in text and "/registration/" in text
    html = olga[0].get_body(preferencelist=("html",)).get_content()
    assert "Park behind the library." in html
    for who in ("jaan", "anu"):
        assert not any("Parking" in m["Subject"] for m in mails_to(app, f"{who}@example.ee"))


def test_the_message_is_escaped_in_the_html_part(app, client, registered):
    reading_english(client, Role.COORDINATOR, "tartu")
    data = {"subject": "Hi", "text": "<script>alert(1)</script>"}
    client.post(f"/events/{registered}/participants/write", data=data)
    db.session.remove()
    dispatch_due()
    [mail] = [m for m in mails_to(app, "mari@example.ee") if "Hi" in m["Subject"]]
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_empty_message_is_a_clear_message_and_sends_nothing(client, registered):
    reading_english(client, Role.COORDINATOR, "tartu")
    answer = client.post(
        f"/events/{registered}/participants/write?lang=en", data={"subject": "", "text": "x"}
    )
    assert answer.status_code == 400 and "This field is required." in answer.text


def test_others_may_not_write(client, registered):
    make_org("parnu")
    reading_english(client, Role.COORDINATOR, "parnu")
    answer = client.post(f"/events/{registered}/participants/write", data=MESSAGE)
    assert answer.status_code == 403


def test_the_series_list_and_its_exports(client, training, registered):
    mari = sign_up(training.events[0], "=cmd|calc", "et")
    mari.name = "=HYPERLINK(1)"
    db.session.commit()
    reading_english(client, Role.ORGANISER, "tartu")
    page = client.get(f"/series/{training.id}/participants?lang=en")
    assert page.status_code == 200
    assert "Mari" in page.text and "Olga" in page.text and "waiting, number 1" in page.text
    assert f"/events/{registered}/participants" in page.text

    lines = client.get(f"/series/{training.id}/participants.csv").text.splitlines()
    assert lines[0] == "event_id,start,id,state,waitlist_position,name,email,phone,kov,checked_in"
    assert len(lines) == 6 and lines[1].startswith(f"{registered},")
    assert "'=HYPERLINK(1)" in "\n".join(lines)

    answer = client.get(f"/series/{training.id}/participants.xlsx")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("event_id", "start", "id", "state")
    assert len(rows) == 6 and rows[1][0] == registered
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells), "text, never a formula"


def test_the_occurrence_list_downloads_as_xlsx(client, registered):
    reading_english(client, Role.COORDINATOR, "tartu")
    page = client.get(f"/events/{registered}/participants").text
    assert f"/events/{registered}/participants.xlsx" in page
    answer = client.get(f"/events/{registered}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and len(rows) == 5


@pytest.mark.parametrize(
    "path",
    ["/series/{series}/participants", "/series/{series}/participants.xlsx"],
)
def test_who_sees_a_series_list(client, training, registered, path):
    path = path.format(series=training.id)
    make_org("parnu")
    assert client.get(path).status_code == 302, "visitors sign in first"
    reading_english(client, Role.COORDINATOR, "parnu")
    assert client.get(path).status_code == 403
    reading_english(client, Role.VIEWER, "tartu")
    assert client.get(path).status_code == 403
