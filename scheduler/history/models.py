"""The change record: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class ChangeRecord(db.Model):
    """One change of one object, written in the transaction that made it.

    ``changes`` maps a field to ``[old, new]`` (JSON values: datetimes as ISO text in UTC,
    dates as ISO dates, numbers of a Numeric column as text, relations as lists of slugs).
    ``version`` is the object's version after the change, where it has one (events and
    indicators), so that a conflict page lists what happened since a form was opened.
    """

    __tablename__ = "change_record"
    __table_args__ = (Index("ix_change_record_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Readable even when the user is gone: "admin@elvl.ee", "cli: flask events move", …
    actor: Mapped[str] = mapped_column(String(200))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    # created | changed | deleted | occurrences (new rows of a series, summarised)
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int | None] = mapped_column(Integer)
