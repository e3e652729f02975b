"""The last place under concurrency: 50 confirmations at once for 10 places give exactly 10
places and 40 on the waiting list, in the order the confirmations were served."""

from __future__ import annotations

import threading

import pytest
from registrations_support import sign_up
from sqlalchemy import select

from scheduler.extensions import db
from scheduler.registrations.models import Registration, RegistrationState
from scheduler.registrations.service import confirm, open_series

pytestmark = pytest.mark.postgres
PEOPLE, PLACES = 50, 10


def confirm_all_at_once(app, ids: list[int]) -> list[BaseException]:
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def confirm_one(registration_id: int) -> None:
        with app.app_context():  # a session of its own
            try:
                barrier.wait()
                confirm(registration_id)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm_one, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_fifty_confirmations_for_ten_places(app, training, event):
    open_series(training, capacity=PLACES, waitlist=True)
    ids = [sign_up(event, f"person{n}").id for n in range(PEOPLE)]
    event_id = event.id
    db.session.remove()

    assert confirm_all_at_once(app, ids) == []

    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    confirmed = [r for r in rows if r.state == RegistrationState.CONFIRMED]
    waiting = sorted(
        (r for r in rows if r.state == RegistrationState.WAITLISTED),
        key=lambda r: r.waitlist_position,
    )
    assert len(confirmed) == PLACES
    assert [r.waitlist_position for r in waiting] == list(range(1, PEOPLE - PLACES + 1))
    served = [r.email_confirmed_at for r in waiting]
    assert served == sorted(served), "the waiting list is in the order confirmations came"
    assert max(r.email_confirmed_at for r in confirmed) <= served[0]
