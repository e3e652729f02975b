"""The reason for cancelling: given in Estonian and optionally in English and Russian (on the
page and on the command line), labelled as such on the workspace page, cleared on restore."""

from __future__ import annotations

from sqlalchemy import select

from scheduler.events.models import Event, EventStatus
from scheduler.events.service import cancel_occurrence, restore_occurrence
from scheduler.extensions import db


def _event(series, index=0) -> Event:
    db.session.expire_all()
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).all()[index]


def _reasons(event: Event) -> tuple:
    return (event.cancel_reason, event.cancel_reason_en, event.cancel_reason_ru)


def test_the_command_line_takes_the_reason_in_each_language(series, runner):
    event = _event(series)
    result = runner.invoke(
        args=[
            "events",
            "cancel",
            str(event.id),
            "--reason",
            "Ruum on remondis",
            "--reason-in",
            "en",
            "The room is being renovated",
            "--reason-in",
            "uk",
            "Приміщення на ремонті",
        ]
    )
    assert result.exit_code == 0, result.output
    event = _event(series)
    assert event.status == EventStatus.CANCELLED
    assert _reasons(event) == ("Ruum on remondis", "The room is being renovated", None)
    assert event.cancel_reason_uk == "Приміщення на ремонті"


def test_the_command_line_refuses_a_reason_in_a_language_the_site_has_not(series, runner):
    event = _event(series, 2)
    result = runner.invoke(args=["events", "cancel", str(event.id), "--reason-in", "xx", "Midagi"])
    assert result.exit_code == 2 and "xx: not one of en, ru, uk" in result.output
    assert _event(series, 2).status != EventStatus.CANCELLED


def test_the_command_line_reason_alone_stays_estonian(series, runner):
    event = _event(series, 1)
    result = runner.invoke(args=["events", "cancel", str(event.id), "--reason", "Haige"])
    assert result.exit_code == 0, result.output
    assert _reasons(_event(series, 1)) == ("Haige", None, None)


def test_the_page_takes_the_reason_in_each_language(series, admin_client):
    event = _event(series)
    form = admin_client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert '<label for="reason">Reason for cancelling</label>' in form
    assert 'id="reason-en"' in form and 'lang="en"' in form.split('id="reason-en"')[1][:200]
    assert 'id="reason-ru"' in form
    response = admin_client.post(
        f"/events/{event.id}/cancel?lang=en",
        data={"reason": "Ruum on kinni", "reason_en": "The room is closed", "reason_ru": ""},
    )
    assert response.status_code == 303
    assert _reasons(_event(series)) == ("Ruum on kinni", "The room is closed", None)


def test_the_workspace_page_labels_the_reason_for_cancelling_not_notes(series, admin_client):
    event = _event(series)
    cancel_occurrence(event, "Ruum on kinni", translations={"ru": "Помещение закрыто"})
    db.session.commit()
    page = admin_client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "<dt>Reason for cancelling</dt>" in page
    assert "<dt>Notes</dt>" not in page
    shown = page.split("<dt>Reason for cancelling</dt>")[1].split("</dd>")[0]
    assert 'lang="et">Ruum on kinni' in shown and 'lang="ru">Помещение закрыто' in shown


def test_restoring_forgets_the_reason_in_every_language(series):
    event = _event(series)
    cancel_occurrence(event, "Kinni", translations={"en": "Closed", "ru": "Закрыто"})
    restore_occurrence(event)
    assert _reasons(event) == (None, None, None)
