"""Indicators of the plan and their targets; held events count toward them.

Besides the indicator and its targets (created by the plan loader), this feature keeps
three append-only records: target revisions (history with a reason), manual values
(date, author, evidence: the audit trail of hand-entered figures) and year closings
(the figures as submitted to the implementing agency).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.localized import localized
from ..core.time import utcnow
from ..core.types import TranslatedRow, UTCDateTime, translations_column
from ..extensions import db


class Indicator(TranslatedRow, db.Model):
    __tablename__ = "indicator"

    TRANSLATED = ("name",)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    table: Mapped[str] = mapped_column(String(16))  # the plan's table number, e.g. "8"
    name: Mapped[str] = mapped_column(String(300))
    translations: Mapped[dict] = translations_column()  # name in other languages
    unit: Mapped[str] = mapped_column(String(32))
    # The counting rule as declared in the plan file, e.g.
    # {"kind": "held_events", "types": ["info_day"]}; see rules.py.
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    # "year": a year's target counts that year alone; "cumulative": since the programme start.
    target_scope: Mapped[str] = mapped_column(String(16), default="year")
    note: Mapped[str | None] = mapped_column(Text)
    # Raised by every recorded change to the indicator, its targets or its manual values
    # (scheduler.history): the admin forms carry it to detect a stale form.
    version: Mapped[int] = mapped_column(Integer, default=1)

    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorTarget.year"
    )

    def target_for(self, year: int, kind: str = "year") -> Decimal | None:
        return next((t.value for t in self.targets if t.year == year and t.kind == kind), None)

    def display_name(self, locale: str = "et") -> str:
        return localized(self, "name", locale)


class IndicatorTarget(db.Model):
    """A target value: ``kind`` "year" for a year's milestone, "final" for the 2029 target."""

    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="year")
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class IndicatorTargetRevision(db.Model):
    """One change of a target: the value before and after, who changed it and why."""

    __tablename__ = "indicator_target_revision"
    __table_args__ = (Index("ix_indicator_target_revision_lookup", "indicator_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="year")
    previous_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(254))
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship()


class IndicatorManualValue(db.Model):
    """A hand-entered figure for a year; the newest row per (indicator, year) is current.

    Rows are never updated or deleted: together they are the audit trail.
    """

    __tablename__ = "indicator_manual_value"
    __table_args__ = (Index("ix_indicator_manual_value_lookup", "indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # The day the figure was true (e.g. the contract date of the last coordinator hired).
    as_of: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(254))
    evidence: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship()


class IndicatorYearClosing(db.Model):
    """A year whose figures were submitted: the report as it stood, frozen."""

    __tablename__ = "indicator_year_closing"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
    # The report rows (as in the JSON export) at closing time.
    figures: Mapped[list] = mapped_column(JSON, default=list)
