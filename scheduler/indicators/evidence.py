"""The counted events behind a figure, as each reader may see them.

Internal meetings count for everyone, but only signed-in users (any role, viewer included)
read what they were; everyone else reads "Internal meeting". Every format that shows
evidence — the drill-down page, the JSON API, the XLSX workbook, the command line — gets
:class:`EvidenceEvent` rows from :func:`evidence_events`, never the event rows themselves,
so the title a reader sees is decided here once and a new format cannot forget to hide it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_login import current_user

from ..core.localized import localized
from ..core.time import zone
from ..events.models import Event


@dataclass(frozen=True)
class Audience:
    """Who reads an export, as far as the visibility of internal meetings goes."""

    reads_internal_titles: bool

    @classmethod
    def of_request(cls) -> Audience:
        """The visitor of the current request: signed in or not."""
        return cls(reads_internal_titles=bool(current_user.is_authenticated))


PUBLIC = Audience(reads_internal_titles=False)
SIGNED_IN = Audience(reads_internal_titles=True)
# Whoever runs ``flask …`` on the server can read the database anyway: full titles.
TRUSTED_SHELL = SIGNED_IN


@dataclass(frozen=True)
class EvidenceEvent:
    """One counted (or planned) event, with the title its reader may see."""

    id: int
    start: datetime
    local_start: datetime
    title: str
    title_withheld: bool
    status: str
    event_type: str
    organisation: str
    organisation_name: str
    organisation_name_en: str | None
    attendance: int | None
    participants: tuple[str, ...]

    organisation_name_ru: str | None = None

    def organisation_display(self, locale: str) -> str:
        names = {
            "name": self.organisation_name,
            "name_en": self.organisation_name_en,
            "name_ru": self.organisation_name_ru,
        }
        return localized(names, "name", locale)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "local_start": self.local_start.isoformat(),
            "title": self.title,
            "status": self.status,
            "event_type": self.event_type,
            "organisation": self.organisation,
            "attendance": self.attendance,
            "participants": list(self.participants),
        }


def may_read_title(event: Event, audience: Audience) -> bool:
    """The one rule: an internal meeting's title only for readers allowed to see it."""
    return event.series.is_public or audience.reads_internal_titles


def visible_title(event: Event, audience: Audience) -> str:
    if may_read_title(event, audience):
        return event.display_title
    return str(_("Internal meeting"))


def evidence_events(events: Iterable[Event], audience: Audience, tz: str) -> list[EvidenceEvent]:
    local = zone(tz)
    return [_evidence_event(event, audience, local) for event in events]


def _evidence_event(event: Event, audience: Audience, local) -> EvidenceEvent:
    series = event.series
    organisation = series.organisation
    return EvidenceEvent(
        id=event.id,
        start=event.start,
        local_start=event.start.astimezone(local),
        title=visible_title(event, audience),
        title_withheld=not may_read_title(event, audience),
        status=event.status.value,
        event_type=series.event_type,
        organisation=organisation.slug,
        organisation_name=organisation.name,
        organisation_name_en=organisation.name_en,
        organisation_name_ru=organisation.name_ru,
        attendance=event.attendance,
        participants=tuple(o.slug for o in event.participants),
    )
