from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.localized import localized
from ..core.time import utcnow
from ..core.types import TranslatedRow, UTCDateTime, translations_column
from ..extensions import db
from ..organisations.models import Organisation


class Plan(db.Model):
    """One yearly action plan (tegevuskava) as loaded from a plan file."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    # A replay of a real plan into a current year by `flask plan demo`: demo data, not a plan.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The whole plan document as loaded, so a later year can be rolled from it.
    document: Mapped[dict] = mapped_column(JSON, default=dict)

    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class Activity(TranslatedRow, db.Model):
    """An activity of the programme, identified by the plan's code (e.g. ``3.5.2.1``)."""

    __tablename__ = "activity"

    TRANSLATED = ("title",)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    title: Mapped[str] = mapped_column(String(500))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    timeframe_start: Mapped[date] = mapped_column(Date)
    timeframe_end: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict] = translations_column()  # title in other languages

    organisation: Mapped[Organisation] = relationship()
    parent: Mapped[Activity | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Activity]] = relationship(back_populates="parent")

    def display_title(self, locale: str = "et") -> str:
        return localized(self, "title", locale)


class PlanActivity(db.Model):
    """An activity's dates inside one plan's period."""

    __tablename__ = "plan_activity"
    __table_args__ = (UniqueConstraint("plan_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)

    plan: Mapped[Plan] = relationship(back_populates="activities")
    activity: Mapped[Activity] = relationship()
