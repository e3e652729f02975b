"""Subscribing, confirming, changing, unsubscribing, the weekly digest and the erasure of
subscriptions never confirmed. The same functions back the pages, the CLI and the jobs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from ..core.time import utcnow, zone
from ..events.filters import EventsQuery
from ..events.models import Event
from ..events.queries import events_page, site_timezone
from ..extensions import db
from ..mail.models import Reminder, ReminderKind, ReminderStatus
from ..reminders.digest import DIGEST_MAX_DELAY, week_of
from .choices import Choice
from .links import new_token_hash
from .mail import queue_subscription_mail
from .models import Subscriber, SubscriberState

#: the most events one digest query reads (the public vocabulary's largest page)
DIGEST_LIMIT = 200


def find(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email))


def subscribe(email: str, choice: Choice, now: datetime | None = None) -> Subscriber:
    """Ask ``email`` to confirm ``choice`` (the caller commits). A new or unconfirmed address
    takes the choice at once, a confirmed one keeps its current choice until the new one is
    confirmed; either way only the confirmation mail is sent."""
    now = now or utcnow()
    row = find(email)
    if row is None:
        row = Subscriber(email=email, token_hash=new_token_hash(), created_at=now)
        db.session.add(row)
    if row.state == SubscriberState.CONFIRMED:
        row.pending_choice = choice.as_dict()
    else:
        row.state = SubscriberState.PENDING
        row.take(choice)
    row.confirm_hash, row.asked_at = new_token_hash(), now
    db.session.flush()
    queue_subscription_mail(row, "confirm", language=choice.mail_language, now=now)
    return row


def confirm(row: Subscriber, now: datetime | None = None) -> None:
    """The confirmation link was followed: the subscription (or its new choice) holds."""
    now = now or utcnow()
    if row.pending_choice:
        row.take(Choice.of(row.pending_choice))
        row.pending_choice = None
    if row.state != SubscriberState.CONFIRMED:
        row.state, row.confirmed_at = SubscriberState.CONFIRMED, now
    row.confirm_hash = None
    _skip_unsent_confirmations(row.email, now)
    db.session.commit()


def _skip_unsent_confirmations(email: str, now: datetime) -> None:
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.kind == ReminderKind.SUBSCRIPTION,
            Reminder.recipient == email,
            Reminder.slot.like("confirm-%"),
            Reminder.status == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.SKIPPED, last_error="already confirmed", updated_at=now)
        .execution_options(synchronize_session=False)
    )


def change(row: Subscriber, choice: Choice) -> None:
    """A new choice from the "change your choices" link (which came by mail to the address)."""
    row.take(choice)
    row.pending_choice = None
    db.session.commit()


def unsubscribe(row: Subscriber) -> None:
    """Erase the subscriber and every outbox row that names the address."""
    _erase([row.email])
    db.session.commit()


def _erase(emails: list[str]) -> None:
    if not emails:
        return
    db.session.execute(
        delete(Reminder)
        .where(Reminder.kind == ReminderKind.SUBSCRIPTION, Reminder.recipient.in_(emails))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Subscriber)
        .where(Subscriber.email.in_(emails))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def erase_unconfirmed(now: datetime | None = None) -> int:
    """Erase subscriptions whose confirmation was asked for more than
    SUBSCRIPTION_PENDING_DAYS ago and never given; a confirmed subscriber's unconfirmed new
    choice is dropped. Returns how many addresses were erased."""
    now = now or utcnow()
    cutoff = now - timedelta(days=int(current_app.config["SUBSCRIPTION_PENDING_DAYS"]))
    stale = list(
        db.session.scalars(
            select(Subscriber.email).where(
                Subscriber.state == SubscriberState.PENDING, Subscriber.asked_at <= cutoff
            )
        )
    )
    _erase(stale)
    db.session.execute(
        update(Subscriber)
        .where(Subscriber.state == SubscriberState.CONFIRMED, Subscriber.asked_at <= cutoff)
        .where(Subscriber.confirm_hash.is_not(None))
        .values(pending_choice=None, confirm_hash=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(stale)


# --- what matches --------------------------------------------------------------------------


def matching_events(choice: Choice, now: datetime) -> list[Event]:
    """The coming public events that match ``choice``, through the one read model: one query
    for the chosen cities and one for online events (a city or online, either matches)."""
    start = now.astimezone(zone(site_timezone())).date()
    weeks = int(current_app.config["SUBSCRIPTION_DIGEST_WEEKS"])
    base = EventsQuery(
        start=start,
        end=start + timedelta(weeks=weeks),
        types=choice.types,
        languages=choice.languages,
        limit=DIGEST_LIMIT,
    )
    queries = [] if choice.cities else [base]
    if choice.orgs:
        queries.append(replace(base, orgs=choice.orgs))
    if choice.online:
        queries.append(replace(base, online=True))
    found = {e.id: e for query in queries for e in events_page(query)[: query.limit]}
    coming = (e for e in found.values() if e.start > now)
    return sorted(coming, key=lambda e: (e.start, e.id))


def changed_since(event: Event, since: datetime | None) -> bool:
    """New or changed after ``since`` (the event, or its series' shared fields); with no
    digest yet, every coming event is news."""
    if since is None:
        return True
    return max(event.created_at, event.updated_at, event.series.updated_at) > since


def plan_digests(now: datetime | None = None) -> int:
    """This week's digest for each confirmed subscriber (immediate ones get it too) with new
    or changed matching events: all coming ones in the first, then those changed since the
    last. Made on Monday from 08:00 for a day, as the coordinators' digest (a worker started
    mid-week sends nothing early), and keyed by ISO week, so that running it again in a week
    adds nothing. Returns how many were planned."""
    now = now or utcnow()
    monday, week = week_of(now, site_timezone())
    if not monday <= now <= monday + DIGEST_MAX_DELAY:
        return 0
    planned = 0
    confirmed = select(Subscriber).where(Subscriber.state == SubscriberState.CONFIRMED)
    for row in db.session.scalars(confirmed.order_by(Subscriber.id)).all():
        events = [e for e in matching_events(row.choice, now) if changed_since(e, row.digest_since)]
        if not events:
            continue
        ids = [e.id for e in events]
        if queue_subscription_mail(row, "digest", slot=f"digest-{week}", now=now, event_ids=ids):
            row.digest_since = now
            planned += 1
    db.session.commit()
    return planned


def send_digests(now: datetime | None = None) -> str:
    """What the weekly job does: plan the digests, then send what is due."""
    from ..reminders.dispatch import dispatch_due

    now = now or utcnow()
    planned = plan_digests(now)
    return f"planned {planned} subscriber digest(s); {dispatch_due(now).summary()}"
