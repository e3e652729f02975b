"""Immediate notices: receivers of the events signals, as the reminders' planners are.

When a public event starting within SUBSCRIPTION_NOTICE_DAYS is cancelled or moved, each
confirmed "immediate" subscriber it matches gets an outbox row, written in the transaction
that changes the event and keyed by the event's sequence: the next dispatcher tick sends it,
once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..core.time import utcnow
from ..events import signals
from ..events.models import Event
from ..events.queries import visible_event
from ..extensions import db
from .choices import IMMEDIATE
from .mail import queue_subscription_mail
from .models import Subscriber, SubscriberState


def _within_notice(moments: list[datetime], now: datetime) -> bool:
    horizon = now + timedelta(days=int(current_app.config["SUBSCRIPTION_NOTICE_DAYS"]))
    return any(now <= moment <= horizon for moment in moments)


def notify(event: Event, purpose: str, moments: list[datetime]) -> int:
    """Queue the notice for every matching immediate subscriber; returns how many."""
    now = utcnow()
    if not _within_notice(moments, now) or visible_event(event.id) is None:
        return 0
    series = event.series
    facts = (series.organisation.slug, bool(series.online_url), series.languages or (),
             series.event_type)  # fmt: skip
    immediate = select(Subscriber).where(
        Subscriber.state == SubscriberState.CONFIRMED, Subscriber.frequency == IMMEDIATE
    )
    queued = 0
    for row in db.session.scalars(immediate.order_by(Subscriber.id)).all():
        if row.choice.matches(*facts):
            slot = f"{purpose}-seq{event.sequence}"
            queued += (
                queue_subscription_mail(row, purpose, slot=slot, event=event, now=now) is not None
            )
    return queued


def on_cancelled(event: Event, **_ignored) -> None:
    notify(event, "cancelled", [event.start])


def on_moved(event: Event, previous_start: datetime | None = None, **_ignored) -> None:
    notify(event, "moved", [event.start, *([previous_start] if previous_start else [])])


def connect_signals() -> None:
    """Subscribe the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.occurrence_cancelled.connect(on_cancelled)
    signals.occurrence_moved.connect(on_moved)
