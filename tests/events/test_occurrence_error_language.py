"""A change that cannot be made is refused in the reader's language on the web, and in
English on the command line whatever the default language."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from scheduler.core.time import zone
from scheduler.events.models import Event
from scheduler.events.service import OccurrenceError, move_occurrence, record_outcome
from scheduler.extensions import db
from tests.accounts.conftest import fresh


def _first(series) -> Event:
    return db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start)
    ).first()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("ru", "новое начало должно быть в пределах 2024-01-01 – 2024-12-31"),
        ("et", "uus algus peab jääma vahemikku 2024-01-01 – 2024-12-31"),
        ("en", "the new start must fall between 2024-01-01 and 2024-12-31"),
    ],
)
def test_a_refused_move_is_explained_in_the_page_language(series, admin_client, language, refusal):
    event = _first(series)
    fresh()
    admin_client.post(
        f"/events/{event.id}/move?lang={language}",
        data={"date": "2026-03-04", "start_time": "18:00"},
    )
    fresh()
    page = admin_client.get(f"/?lang={language}").get_data(as_text=True)

    assert refusal in page


def test_the_command_line_hears_the_refusal_in_english_under_an_estonian_default(series, app):
    assert app.config["BABEL_DEFAULT_LOCALE"] == "et"
    event = _first(series)
    with pytest.raises(OccurrenceError) as refused:
        move_occurrence(event, datetime(2030, 1, 1, 18, tzinfo=zone("Europe/Tallinn")))
    assert "the new start must fall between" in str(refused.value)


def test_a_too_long_note_names_the_field_in_the_readers_language(series, app):
    event = _first(series)
    with pytest.raises(OccurrenceError) as refused:
        record_outcome(event, held=False, note="x" * 6000)
    with app.test_request_context("/?lang=ru"):
        assert (
            str(refused.value) == "примечание: слишком длинный текст (знаков: 6000, не более 5000)"
        )
    assert str(refused.value) == "the note is too long (6000 characters, at most 5000)"
