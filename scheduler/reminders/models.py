"""Who asked for no more reminder mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class ReminderOptOut(db.Model):
    """An address that asked for no more reminder mail (also for people without an account)."""

    __tablename__ = "reminder_opt_out"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
