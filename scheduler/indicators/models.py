from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..core.types import UTCDateTime
from ..extensions import db


class Indicator(db.Model):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    table: Mapped[str] = mapped_column(String(16))  # the plan's table number, e.g. "8"
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(32))
    # The counting rule as declared in the plan file, e.g.
    # {"kind": "held_events", "types": ["info_day"]}.
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    # "year": a year's target counts that year alone; "cumulative": since the programme start.
    target_scope: Mapped[str] = mapped_column(String(16), default="year")
    note: Mapped[str | None] = mapped_column(Text)

    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorTarget.year"
    )

    def target_for(self, year: int, kind: str = "year") -> Decimal | None:
        return next((t.value for t in self.targets if t.year == year and t.kind == kind), None)


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
