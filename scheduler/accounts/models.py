from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.time import utcnow
from ..core.types import UTCDateTime, enum_column
from ..extensions import db
from ..organisations.models import Organisation


class Role(enum.StrEnum):
    ADMIN = "admin"  # ELVL adviser / coordinator: every organisation
    COORDINATOR = "coordinator"  # a partner city's coordinator: their own organisation
    ORGANISER = "organiser"  # club leader, librarian: their own events
    VIEWER = "viewer"  # e.g. the implementing agency: reads reports


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        enum_column(Role),
        default=Role.ORGANISER,
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    locale: Mapped[str] = mapped_column(String(5), default="et")
    password_hash: Mapped[str | None] = mapped_column(String(300))
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def can_manage(self, organisation_id: int | None) -> bool:
        """Whether this user may change data of the given organisation."""
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.COORDINATOR and organisation_id == self.organisation_id

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def find_user(email: str) -> User | None:
    return db.session.query(User).filter(User.email == email.strip().lower()).one_or_none()
