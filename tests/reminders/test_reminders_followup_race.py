"""Two submissions of one follow-up link at the same moment: one is recorded, one gets 410."""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import sqlalchemy as sa
from factories import make_org, make_series
from flask import g, has_request_context, request
from reminders_support import make_event

from scheduler.events.models import Event, EventStatus
from scheduler.extensions import db
from scheduler.organisations.models import OrganisationKind
from scheduler.reminders.tokens import followup_token
from tests.support.time import tallinn


@pytest.fixture
def followup_link(app, live_server):
    make_org("tartu", OrganisationKind.PARTNER, name="Tartu linn")
    series = make_series(organisers=["leader@x.ee"], title="Keelekohvik")
    event = make_event(series, tallinn(2024, 3, 5, 18))
    db.session.commit()
    return event.id, f"{live_server}/reminders/followup/{followup_token(event, 'leader@x.ee')}"


@pytest.fixture
def both_read_before_either_writes():
    """Hold each submission, once it has read the event, until the other has read it too.

    Without a lock both read the unchanged event and both write; with the row locked the
    second cannot read before the first commits, so the first waits out the barrier (a few
    seconds) and goes on alone.
    """
    barrier = threading.Barrier(2, timeout=3)

    def hold(_target, _context):
        if not has_request_context() or request.method != "POST" or g.get("held"):
            return
        g.held = True
        with contextlib.suppress(threading.BrokenBarrierError):  # the other is locked out
            barrier.wait()

    sa.event.listen(Event, "load", hold)
    yield
    sa.event.remove(Event, "load", hold)


def _submit(url: str, attendance: int, answers: dict) -> None:
    data = urlencode({"held": "yes", "attendance": str(attendance), "kov": "tartu"}).encode()
    try:
        with urlopen(Request(f"{url}?lang=en", data=data), timeout=60) as response:
            answers[attendance] = (response.status, response.read().decode())
    except Exception as error:  # HTTPError for 4xx/5xx: keep the status and the page
        answers[attendance] = (getattr(error, "code", None), error.read().decode())


def test_two_submissions_at_once_record_one_outcome_and_refuse_the_other(
    app, followup_link, both_read_before_either_writes
):
    event_id, url = followup_link
    answers: dict[int, tuple[int, str]] = {}
    threads = [threading.Thread(target=_submit, args=(url, n, answers)) for n in (11, 22)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _page in answers.values())
    assert statuses == [200, 410], answers
    winner = next(n for n, (status, _page) in answers.items() if status == 200)
    refused_page = next(page for status, page in answers.values() if status == 410)
    assert "This link cannot be used" in refused_page
    assert "its outcome was already recorded" in refused_page
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    assert event.status == EventStatus.HELD
    assert event.attendance == winner
