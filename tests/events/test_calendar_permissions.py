"""The calendar views decide who sees an internal event through the policy, as the event's
own page does: a list never shows what opening it would answer with 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scheduler.accounts.models import Role
from scheduler.events.models import Event, Series
from scheduler.extensions import db
from tests.support.people import signed_in_as

INTERNAL = "2024-tallinn-loimumiskoda"  # Tallinn's internal series in the 2024 plan
VIEWS = ["/?view=agenda", "/?view=week", "/?view=month", "/?view=year&year=2024"]


def _internal_event() -> Event:
    return db.session.scalars(
        select(Event).join(Series).where(Series.key == INTERNAL).order_by(Event.start)
    ).first()


def _shown_in_each_view(client) -> list[bool]:
    pages = [
        client.get(f"{view}&date=2024-03-04&org=tallinn&lang=en").get_data(as_text=True)
        for view in VIEWS
    ]
    return [f'data-series="{INTERNAL}"' in page for page in pages]


@pytest.mark.parametrize(
    ("role", "org", "sees"),
    [
        (Role.COORDINATOR, "tallinn", True),
        (Role.VIEWER, None, True),
        (Role.COORDINATOR, "tartu", False),
        (Role.ORGANISER, "tallinn", False),
    ],
)
def test_internal_events_are_listed_only_for_those_the_policy_lets_open_them(
    plan_2024, client, role, org, sees
):
    signed_in_as(client, role, org)
    event = _internal_event()
    assert client.get(f"/events/{event.id}").status_code == (200 if sees else 404)
    assert _shown_in_each_view(client) == [sees] * len(VIEWS)
