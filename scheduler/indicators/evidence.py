"""The counted events behind a figure, as each reader may see them.

Internal meetings count for everyone, but an event is listed only to a reader the policy lets
see it (``scheduler.core.policy.EventVisibility``: admins and viewers, the coordinators of
its organisation, its organisers); for everyone else it is a number ("N internal meetings
counted, not listed"), with no title, time, organisation or id. Every format that shows
evidence — the drill-down page, the JSON API, the XLSX workbook, the command line — gets an
:class:`Evidence` from :func:`evidence_events`, never the event rows themselves, so what a
reader sees is decided here once and a new format cannot forget to hide it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask_login import current_user

from ..core.localized import flat_texts, localized, text_language
from ..core.policy import EVERY_EVENT, PUBLIC_ONLY, EventVisibility, event_visibility
from ..core.time import zone
from ..events.models import Event


@dataclass(frozen=True)
class Audience:
    """Who reads an export, as far as the visibility of internal meetings goes."""

    visibility: EventVisibility

    @classmethod
    def of_request(cls) -> Audience:
        """The visitor of the current request, as the policy has them now."""
        return cls(event_visibility(current_user))

    def may_see(self, event: Event) -> bool:
        return self.visibility.admits(event.series)


PUBLIC = Audience(PUBLIC_ONLY)
# Whoever runs ``flask …`` on the server can read the database anyway: every event.
TRUSTED_SHELL = Audience(EVERY_EVENT)


# An organisation's name in each language by flat name (name, name_ru, …), as ``localized`` reads.
Names = dict[str, str | None]


def names_of(organisation) -> Names:
    return flat_texts(organisation, "name")


@dataclass(frozen=True)
class EvidenceEvent:
    """One counted (or planned) event that its reader may see."""

    id: int
    start: datetime
    local_start: datetime
    title: str
    status: str
    event_type: str
    organisation: str
    organisation_names: Names
    attendance: int | None
    participants: tuple[str, ...]
    participant_names: tuple[Names, ...] = ()

    def organisation_display(self, locale: str) -> str:
        return localized(self.organisation_names, "name", locale)

    def participants_display(self, locale: str) -> list[tuple[str, str]]:
        """(name, its language) of each local government taking part, for ``locale``."""
        return [
            (localized(names, "name", locale), text_language(names, "name", locale))
            for names in self.participant_names
        ]

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


@dataclass(frozen=True)
class Evidence:
    """The counted events a reader may see, in time order, and how many more count toward
    the figure without being listed (internal meetings the reader may not see)."""

    events: tuple[EvidenceEvent, ...] = ()
    withheld: int = 0

    def __iter__(self) -> Iterator[EvidenceEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, index: int) -> EvidenceEvent:
        return self.events[index]


def evidence_events(events: Iterable[Event], audience: Audience, tz: str) -> Evidence:
    local = zone(tz)
    shown, withheld = [], 0
    for event in events:
        if audience.may_see(event):
            shown.append(_evidence_event(event, local))
        else:
            withheld += 1
    return Evidence(tuple(shown), withheld)


def _evidence_event(event: Event, local) -> EvidenceEvent:
    series = event.series
    organisation = series.organisation
    return EvidenceEvent(
        id=event.id,
        start=event.start,
        local_start=event.start.astimezone(local),
        title=event.display_title,
        status=event.status.value,
        event_type=series.event_type,
        organisation=organisation.slug,
        organisation_names=names_of(organisation),
        attendance=event.attendance,
        participants=tuple(o.slug for o in event.participants),
        participant_names=tuple(names_of(o) for o in event.participants),
    )
