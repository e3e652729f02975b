"""The only sender: claim due outbox rows atomically, send each, record the result.

A claim marks rows 'sending' with a claim token and a lease (``next_attempt_at``) and
commits before any mail leaves, so another dispatcher skips them and a dispatcher that
dies leaves rows that are taken again once the lease ends, with the same Message-ID.
The lease is short (DISPATCH_LEASE_SECONDS) and a heartbeat thread renews it while the batch
is being sent, so a dead worker's rows go out with the next tick after it (within a minute),
and a live worker that cannot renew (the database does not answer) stops sending the rest
of its batch rather than race the worker that will take it over.

Each result is committed right after the SMTP server answers: the only window for a
duplicate is between that answer and the commit. When the database does not answer at that
moment, the worker keeps trying to record the sent mail (DISPATCH_MARK_RETRY_SECONDS), and a
mail recorded as sent is sent however the row was taken over meanwhile; so an outage adds no
duplicate of its own, only a worker that dies with the answer unrecorded leaves one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from ..core.database import is_database_unavailable, one_line
from ..core.time import require_aware, utcnow
from ..events.models import Event, EventStatus, Series
from ..extensions import db
from ..mail.message import OutgoingMail
from ..mail.models import OPEN_PREDICATE, Reminder, ReminderKind, ReminderStatus
from ..mail.transport import DeliveryError, open_transport
from .digest import DIGEST_MAX_DELAY
from .emails import build_mail
from .optouts import opted_out
from .policy import EventState, backoff, normalise_recipients, skip_reason

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"claimed={self.claimed} sent={self.sent} skipped={self.skipped} "
            f"retrying={self.retrying} failed={self.failed}"
        )


@dataclass(frozen=True)
class Claim:
    token: str
    ids: list[int]


@contextmanager
def write_transaction() -> Iterator[None]:
    """A short write transaction; on SQLite it takes the write lock up front (IMMEDIATE),
    because SQLAlchemy drops FOR UPDATE there and a deferred one may fail to upgrade."""
    db.session.rollback()  # end any read transaction: nothing is pending (checked by callers)
    if db.engine.dialect.name == "sqlite":
        db.session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def claim_due(now: datetime, limit: int) -> Claim:
    lease = timedelta(seconds=current_app.config["DISPATCH_LEASE_SECONDS"])
    token = uuid.uuid4().hex
    with write_transaction():
        stmt = (
            select(Reminder.id)
            .where(text(OPEN_PREDICATE), Reminder.next_attempt_at <= now)
            .order_by(Reminder.next_attempt_at, Reminder.id)
            .limit(limit)
        )
        if db.engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(stmt))
        if ids:
            db.session.execute(
                update(Reminder)
                .where(Reminder.id.in_(ids))
                .values(
                    status=ReminderStatus.SENDING,
                    claim_token=token,
                    next_attempt_at=now + lease,
                    attempts=Reminder.attempts + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
    return Claim(token, ids)


def _mark(claim: Claim, reminder_id: int, **values) -> bool:
    """Record a result, unless another dispatcher has taken the row over meanwhile."""
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claim_token == claim.token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        log.warning(
            "reminder %s: claim %s was lost before its result was recorded",
            reminder_id,
            claim.token,
        )
    return bool(result.rowcount)


class LeaseKeeper:
    """Renews a claim's lease every DISPATCH_HEARTBEAT_SECONDS in a thread of its own while
    the claimed rows are sent. The lease runs from the claim's ``now`` (the clock of the tick,
    which ``flask reminders dispatch --now`` may set) plus the time the batch has taken.

    A row is still ours while the last renewal that returned it is recent enough; a renewal
    that came too late returns only the rows nobody took over meanwhile."""

    def __init__(self, claim: Claim, now: datetime) -> None:
        config = current_app.config
        self.claim = claim
        self.now = now
        self.lease = float(config["DISPATCH_LEASE_SECONDS"])
        self.beat = float(config["DISPATCH_HEARTBEAT_SECONDS"])
        self.engine = db.engine
        self.started = self.renewed = time.monotonic()
        self.rows = frozenset(claim.ids)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatch-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        if self.beat > 0:
            self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()

    def holds(self, reminder_id: int) -> bool:
        """Whether the row is surely still ours: renewed for us recently enough that the
        lease cannot run out before the next beat."""
        if self.beat <= 0:
            return True
        margin = min(self.beat, self.lease / 2)
        return reminder_id in self.rows and time.monotonic() < self.renewed + self.lease - margin

    def _run(self) -> None:
        while not self._stop.wait(self.beat):
            asked = time.monotonic()
            try:
                rows = self._renew(asked)
            except Exception as error:  # the database does not answer: holds() will say so
                token, reason = self.claim.token, one_line(error)
                log.warning("reminder claim %s: lease not renewed: %s", token, reason)
            else:
                self.rows, self.renewed = rows, asked

    def _renew(self, asked: float) -> frozenset[int]:
        until = self.now + timedelta(seconds=asked - self.started + self.lease)
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(Reminder)
                .where(
                    Reminder.claim_token == self.claim.token,
                    Reminder.status == ReminderStatus.SENDING,
                )
                .values(next_attempt_at=until)
                .returning(Reminder.id)
            )
            return frozenset(renewed.scalars())


def mark_sent(claim: Claim, reminder_id: int, now: datetime) -> None:
    """Record a mail the SMTP server accepted, retrying while the database does not answer:
    a row left 'sending' would be sent again once its lease ends. It is recorded even if
    another dispatcher took the row over meanwhile (one that has not sent it yet then skips
    it)."""
    deadline = time.monotonic() + current_app.config["DISPATCH_MARK_RETRY_SECONDS"]
    pause = 0.2  # short: once the database answers, this must land before a takeover
    while True:
        try:
            with write_transaction():
                _record_sent(claim, reminder_id, now)
            return
        except SQLAlchemyError as error:
            if not is_database_unavailable(error) or time.monotonic() >= deadline:
                raise
            log.warning(
                "reminder %s was sent but cannot be recorded yet, retrying: %s",
                reminder_id,
                one_line(error),
            )
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def _record_sent(claim: Claim, reminder_id: int, now: datetime) -> None:
    result = db.session.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            or_(
                Reminder.claim_token == claim.token,
                Reminder.status.in_([ReminderStatus.SENDING, ReminderStatus.PENDING]),
            ),
        )
        .values(
            claim_token=None,
            status=ReminderStatus.SENT,
            sent_at=now,
            last_error=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        log.warning("reminder %s: sent, but already recorded otherwise meanwhile", reminder_id)


def mark_skipped(claim: Claim, skips: dict[int, str], now: datetime) -> None:
    with write_transaction():
        for reminder_id, reason in skips.items():
            _mark(
                claim, reminder_id, status=ReminderStatus.SKIPPED, last_error=reason, updated_at=now
            )


def mark_unsent(
    claim: Claim, reminder_id: int, attempts: int, error: DeliveryError, now: datetime
) -> str:
    """A failed attempt: back off and retry, or give up when final or out of attempts."""
    config = current_app.config
    final = error.permanent or attempts >= config["DISPATCH_MAX_ATTEMPTS"]
    if final:
        status, next_attempt = ReminderStatus.FAILED, now
    else:
        wait = backoff(
            attempts,
            config["DISPATCH_BACKOFF_SECONDS"],
            config["DISPATCH_BACKOFF_MAX_SECONDS"],
        )
        status, next_attempt = ReminderStatus.PENDING, now + wait
    with write_transaction():
        _mark(
            claim,
            reminder_id,
            status=status,
            next_attempt_at=next_attempt,
            last_error=str(error)[:2000],
            updated_at=now,
        )
    return status


def _load(ids: list[int]) -> list[Reminder]:
    stmt = (
        select(Reminder)
        .where(Reminder.id.in_(ids))
        .options(
            selectinload(Reminder.event)
            .selectinload(Event.series)
            .selectinload(Series.organisation),
            selectinload(Reminder.event).selectinload(Event.participants),
        )
        .order_by(Reminder.next_attempt_at, Reminder.id)
    )
    return list(db.session.scalars(stmt))


def _latest_before_due(rows: list[Reminder], now: datetime) -> dict[tuple[int, str], datetime]:
    """For each (event, recipient): the latest before-reminder already due."""
    event_ids = {r.event_id for r in rows if r.kind == ReminderKind.BEFORE}
    if not event_ids:
        return {}
    stmt = (
        select(Reminder.event_id, Reminder.recipient, func.max(Reminder.due))
        .where(
            Reminder.kind == ReminderKind.BEFORE,
            Reminder.event_id.in_(event_ids),
            Reminder.due <= now,
        )
        .group_by(Reminder.event_id, Reminder.recipient)
    )
    return {(e, r): due for e, r, due in db.session.execute(stmt)}


def _event_state(event: Event | None) -> EventState | None:
    if event is None:
        return None
    return EventState(
        start=event.start,
        is_cancelled=event.status == EventStatus.CANCELLED,
        has_outcome=event.has_outcome,
    )


@dataclass
class _Prepared:
    to_send: list[tuple[int, int, OutgoingMail]] = field(default_factory=list)
    skips: dict[int, str] = field(default_factory=dict)
    broken: list[tuple[int, int, DeliveryError]] = field(default_factory=list)


def _prepare(claim: Claim, now: datetime) -> _Prepared:
    config = current_app.config
    followup_delay = timedelta(days=config["FOLLOWUP_MAX_DELAY_DAYS"])
    rows = _load(claim.ids)
    silenced = opted_out({r.recipient for r in rows})
    latest_before = _latest_before_due(rows, now)
    prepared = _Prepared()
    for row in rows:
        if row.claim_token != claim.token:
            continue
        superseded = row.kind == ReminderKind.BEFORE and row.due < latest_before.get(
            (row.event_id, row.recipient), row.due
        )
        reason = skip_reason(
            str(row.kind),
            row.due,
            now,
            _event_state(row.event),
            opted_out=row.recipient in silenced,
            superseded=superseded,
            is_organiser=row.event is None
            or row.recipient in normalise_recipients(row.event.series.organisers),
            followup_max_delay=followup_delay,
            digest_max_delay=DIGEST_MAX_DELAY,
        )
        if reason:
            prepared.skips[row.id] = reason
            continue
        try:
            prepared.to_send.append((row.id, row.attempts, build_mail(row)))
        except SQLAlchemyError as error:
            if is_database_unavailable(error):
                raise  # not the row's fault: the batch waits for its lease to end
            _broken(prepared, row, error)
        except Exception as error:  # a template or data problem: keep the row, record why
            _broken(prepared, row, error)
    db.session.rollback()  # the mails are plain data now; end the read transaction
    return prepared


def _broken(prepared: _Prepared, row: Reminder, error: Exception) -> None:
    log.exception("reminder %s could not be built", row.id)
    error = DeliveryError(f"could not build the message: {error!r}")
    prepared.broken.append((row.id, row.attempts, error))


def _process(claim: Claim, now: datetime, transport, report: DispatchReport) -> bool:
    """Send one claimed batch; False when the server is unreachable and the tick should stop."""
    prepared = _prepare(claim, now)
    if prepared.skips:
        mark_skipped(claim, prepared.skips, now)
        report.skipped += len(prepared.skips)
    for reminder_id, attempts, error in prepared.broken:
        _count(report, mark_unsent(claim, reminder_id, attempts, error, now), error)
    with LeaseKeeper(claim, now) as lease:
        for position, (reminder_id, attempts, outgoing) in enumerate(prepared.to_send):
            if not lease.holds(reminder_id):
                log.warning(
                    "reminder claim %s: lease not renewed; %d reminder(s) left to whoever "
                    "takes them when it ends",
                    claim.token,
                    len(prepared.to_send) - position,
                )
                return False
            try:
                transport.send(outgoing)
            except DeliveryError as error:
                _count(report, mark_unsent(claim, reminder_id, attempts, error, now), error)
                if error.connection:
                    for later_id, later_attempts, _mail in prepared.to_send[position + 1 :]:
                        status = mark_unsent(claim, later_id, later_attempts, error, now)
                        _count(report, status, error)
                    return False
                continue
            mark_sent(claim, reminder_id, now)
            report.sent += 1
    return True


def _count(report: DispatchReport, status: str, error: DeliveryError) -> None:
    if status == ReminderStatus.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
    report.errors.append(str(error))


def dispatch_due(now: datetime | None = None, *, batch_size: int | None = None) -> DispatchReport:
    """One tick: send everything due at ``now``, batch by batch, until nothing is left."""
    now = require_aware(now or utcnow())
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("commit pending changes before dispatching reminders")
    batch_size = batch_size or current_app.config["DISPATCH_BATCH_SIZE"]
    report = DispatchReport()
    transport = open_transport()
    try:
        while True:
            claim = claim_due(now, batch_size)
            if not claim.ids:
                break
            report.claimed += len(claim.ids)
            if not _process(claim, now, transport, report):
                break
    finally:
        transport.close()
    if report.claimed:
        log.info("reminder dispatch at %s: %s", now.isoformat(), report.summary())
    return report


def retry_failed(ids: list[int] | None = None) -> int:
    """Put failed rows back in the queue (after the cause was fixed), attempts reset.

    They are due again at once: their due time has passed (the dispatcher still skips
    what is no longer worth sending, such as a reminder for an event that began)."""
    stmt = update(Reminder).where(Reminder.status == ReminderStatus.FAILED)
    if ids:
        stmt = stmt.where(Reminder.id.in_(ids))
    result = db.session.execute(
        stmt.values(
            status=ReminderStatus.PENDING,
            attempts=0,
            next_attempt_at=Reminder.due,
            updated_at=utcnow(),
        ).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
