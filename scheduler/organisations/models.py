from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.localized import localized
from ..core.types import TranslatedRow, enum_column, translations_column
from ..extensions import db


class OrganisationKind(enum.StrEnum):
    IMPLEMENTER = "implementer"
    PARTNER = "partner"
    KOV = "kov"
    OTHER = "other"


class Organisation(TranslatedRow, db.Model):
    __tablename__ = "organisation"

    TRANSLATED = ("name",)
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    translations: Mapped[dict] = translations_column()  # name in other languages
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    # EHAK code of a local government (e.g. "0793" for Tartu city); None for ELVL and others.
    ehak_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    county_code: Mapped[str | None] = mapped_column(String(8))

    partnerships: Mapped[list[Partnership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Partnership.start"
    )

    @property
    def is_local_government(self) -> bool:
        return self.ehak_code is not None

    def is_partner_on(self, day: date) -> bool:
        return any(p.covers(day) for p in self.partnerships)

    def display_name(self, locale: str = "et") -> str:
        return localized(self, "name", locale)

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Partnership(db.Model):
    """A period during which a local government is a programme partner."""

    __tablename__ = "partnership"
    __table_args__ = (UniqueConstraint("organisation_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))

    organisation: Mapped[Organisation] = relationship(back_populates="partnerships")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
