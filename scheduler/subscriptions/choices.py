"""What a subscriber chose, and whether an event matches it. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

ONLINE = "online"  # the public vocabulary's "city" of events with an online link
WEEKLY = "weekly"
IMMEDIATE = "immediate"
FREQUENCIES = (WEEKLY, IMMEDIATE)


@dataclass(frozen=True)
class Choice:
    """Cities (organisation slugs or ``online``), working languages and event types (each
    empty: any), how often, and the language of the mail."""

    cities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    frequency: str = WEEKLY
    mail_language: str = "et"

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency: {self.frequency}")

    @classmethod
    def of(cls, data: dict) -> Choice:
        return cls(
            cities=tuple(data.get("cities") or ()),
            languages=tuple(data.get("languages") or ()),
            types=tuple(data.get("types") or ()),
            frequency=data.get("frequency") or WEEKLY,
            mail_language=data.get("mail_language") or "et",
        )

    def as_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}  # fmt: skip

    @property
    def orgs(self) -> tuple[str, ...]:
        return tuple(city for city in self.cities if city != ONLINE)

    @property
    def online(self) -> bool:
        return ONLINE in self.cities

    def matches(self, org: str, is_online: bool, languages: Iterable[str], event_type: str) -> bool:
        """Whether an event of organisation ``org``, held in ``languages``, matches."""
        in_city = not self.cities or org in self.orgs or (self.online and is_online)
        in_language = not self.languages or bool(set(self.languages) & set(languages))
        of_type = not self.types or event_type in self.types
        return in_city and in_language and of_type
