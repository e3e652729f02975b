"""The plan file's schema (pydantic) and reading it with errors that name file, line and field.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..core.localized import split_flat_name, translated_languages
from ..core.time import DEFAULT_TZ, parse_local_datetime
from ..core.vocabulary import EVENT_TYPES, LANGUAGES
from ..recurrence import HOLIDAY_POLICIES, DateRange, RecurrenceSpec, RuleError, validate

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plan file is text a person edits: the 2024 plan is 30 kB and about 3,000 YAML nodes.
MAX_PLAN_BYTES = 2_000_000
MAX_PLAN_NODES = 200_000  # after aliases are expanded
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PlanError(ValueError):
    """A plan file that cannot be loaded; ``problems`` lists every finding with its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Translatable(Strict):
    """An entry with texts in several languages: ``title`` (Estonian) and ``title_ru`` etc.
    in the file, read into ``translations`` as rows keep them (``core.localized``), for any
    language of the site's LANGUAGES."""

    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()
    translations: dict[str, dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _gather_translations(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data, gathered = dict(data), {}
        for name in list(data):
            split = split_flat_name(str(name))
            if split and split[0] in cls.TEXT_FIELDS:
                field, code = split
                if code not in translated_languages():
                    raise ValueError(
                        f"{name}: {code} is not one of the site's languages "
                        f"({', '.join(translated_languages())})"
                    )
                text = data.pop(name)
                if text is not None and not isinstance(text, str):
                    raise ValueError(f"{name}: give a text")
                if text and text.strip():
                    gathered.setdefault(field, {})[code] = text.strip()
        if gathered:
            data["translations"] = gathered
        return data


class Period(Strict):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class PlanHeader(Translatable):
    TEXT_FIELDS = ("title",)
    year: int = Field(ge=2000, le=2100)
    title: str
    period: Period
    timezone: str = DEFAULT_TZ
    programme: Period | None = None
    draft: bool = False
    rolled_from: int | None = None
    # Demo data replayed from a real plan by `flask plan demo`: its series ignore the
    # activities' overall timeframes and are marked as demo in pages and feeds.
    demo: bool = False


class PartnershipEntry(Strict):
    start: date
    end: date | None = None


class OrganisationEntry(Translatable):
    TEXT_FIELDS = ("name",)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Literal["implementer", "partner", "kov", "other"]
    name: str
    partnerships: list[PartnershipEntry] = []


class ActivityEntry(Translatable):
    TEXT_FIELDS = ("title",)
    code: str = Field(pattern=r"^\d+(\.\d+)*$")
    title: str
    organisation: str | None = None
    timeframe: Period
    dates: Period
    description: str | None = None
    children: list[ActivityEntry] = []


class OverrideEntry(Strict):
    """One occurrence as it was changed by hand (moved, cancelled, edited), keyed in the
    series' ``overrides`` by its original start (local wall-clock time)."""

    start: datetime | None = None
    end: datetime | None = None
    status: Literal["planned", "cancelled"] | None = None
    reason: str | None = None
    title: str | None = None
    location: str | None = None
    description: str | None = None
    notes: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _no_offsets(cls, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            raise ValueError("give local wall-clock time without an offset")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> OverrideEntry:
        if (self.start is None) != (self.end is None):
            raise ValueError("give start and end together")
        if self.start is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        if self.reason is not None and self.status != "cancelled":
            raise ValueError("a reason belongs to a cancelled occurrence (status: cancelled)")
        if self.reason is not None and self.notes is not None:
            raise ValueError("a cancelled occurrence keeps its reason, not notes")
        return self

    @property
    def pins_time(self) -> bool:
        return self.start is not None


class SeriesEntry(Translatable):
    TEXT_FIELDS = ("title", "description")
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    activity: str
    organisation: str | None = None
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    title: str
    description: str | None = None
    languages: list[Literal[LANGUAGES]] = ["et"]  # type: ignore[valid-type]
    location: str | None = None
    online_url: str | None = None
    organisers: list[str] = []
    contact_public: bool = False  # the organisers agreed to show their address publicly
    public: bool = True
    timezone: str | None = None
    start: datetime
    duration: int = Field(default=90, gt=0, le=60 * 24 * 14, description="minutes")
    rule: str | None = None
    rdates: list[datetime] = []
    exdates: list[datetime] = []
    pauses: list[str] = []
    holidays: str = "keep"
    reminders: dict[str, Any] | None = None
    assumed: str | None = None
    # Occurrences changed by hand, by original start (written by `flask plan export`).
    overrides: dict[datetime, OverrideEntry] = {}

    @field_validator("organisers")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not _EMAIL.match(email):
                raise ValueError(f"'{email}' is not an email address")
        return [email.lower() for email in value]

    @field_validator("holidays")
    @classmethod
    def _policy(cls, value: str) -> str:
        if value not in HOLIDAY_POLICIES:
            raise ValueError(
                f"unknown holiday policy '{value}' (use {', '.join(HOLIDAY_POLICIES)})"
            )
        return value

    @field_validator("pauses")
    @classmethod
    def _pauses(cls, value: list[str]) -> list[str]:
        return [format_range(parse_pause(text)) for text in value]

    @field_validator("start", "rdates", "exdates", "overrides", mode="before")
    @classmethod
    def _no_offsets(cls, value):
        # Wall-clock time in the series' zone is the contract; an offset would pin one side of DST.
        texts = list(value) if isinstance(value, list | dict) else [value]
        for text in texts:
            if isinstance(text, datetime) and text.tzinfo is not None:
                raise ValueError("give local wall-clock time without an offset")
        return value


class IndicatorEntry(Translatable):
    TEXT_FIELDS = ("name",)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    table: str
    name: str
    unit: str
    scope: Literal["year", "cumulative"] = "year"
    targets: dict[int, Decimal] = {}
    target_2029: Decimal | None = None
    counting: dict[str, Any]
    note: str | None = None

    @field_validator("counting")
    @classmethod
    def _counting(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            from ..indicators.rules import validate_counting_rule
        except ImportError:  # the indicators feature checks rules once it is installed
            return value
        validate_counting_rule(value)
        return value


class PlanDocument(Strict):
    plan: PlanHeader
    organisations: list[OrganisationEntry] = []
    activities: list[ActivityEntry] = []
    series: list[SeriesEntry] = []
    indicators: list[IndicatorEntry] = []

    def all_activities(self) -> list[PlacedActivity]:
        """Every activity with its parent's code and its (inherited) organisation, parents first."""
        result: list[PlacedActivity] = []

        def walk(entries: list[ActivityEntry], parent: PlacedActivity | None) -> None:
            for entry in entries:
                owner = entry.organisation or (parent.organisation if parent else None)
                placed = PlacedActivity(entry, parent.entry.code if parent else None, owner)
                result.append(placed)
                walk(entry.children, placed)

        walk(self.activities, None)
        return result


@dataclass(frozen=True)
class PlacedActivity:
    entry: ActivityEntry
    parent_code: str | None
    organisation: str | None


def parse_pause(text: str) -> DateRange:
    """``2024-07-01/2024-09-30`` or a quarter ``2024-Q3``."""
    quarter = _QUARTER.match(text.strip())
    if quarter:
        year, number = int(quarter.group(1)), int(quarter.group(2))
        start = date(year, 3 * number - 2, 1)
        end = date(year + (number == 4), (3 * number) % 12 + 1, 1) - timedelta(days=1)
        return DateRange(start, end)
    try:
        return DateRange.parse(text)
    except RuleError as error:
        raise ValueError(str(error)) from error


def format_range(value: DateRange) -> str:
    return f"{value.start.isoformat()}/{value.end.isoformat()}"


def series_spec(entry: SeriesEntry, tz: str, bounds: DateRange | None) -> RecurrenceSpec:
    def local(value: datetime) -> datetime:
        return parse_local_datetime(value.isoformat(), tz)

    return RecurrenceSpec(
        start=local(entry.start),
        duration=timedelta(minutes=entry.duration),
        rule=entry.rule,
        rdates=tuple(local(v) for v in entry.rdates),
        exdates=tuple(local(v) for v in entry.exdates),
        pauses=tuple(parse_pause(p) for p in entry.pauses),
        holidays=entry.holidays,
        bounds=bounds,
        tz=tz,
    )


# --- reading ---------------------------------------------------------------------------------


def read_plan(
    path: Path, *, max_bytes: int = MAX_PLAN_BYTES, max_nodes: int = MAX_PLAN_NODES
) -> tuple[PlanDocument, dict]:
    """Parse and validate a plan file; returns the document and the raw mapping.

    Files larger than ``max_bytes``, text that is not UTF-8 and YAML whose aliases expand
    to more than ``max_nodes`` nodes (a "billion laughs" document) are refused before
    anything is built from them.
    """
    text = _plan_text(path, max_bytes)
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
        _require_node_budget(path, root, max_nodes)
        raw = yaml.load(text, Loader=_YAML_LOADER)
    except RecursionError:
        raise PlanError([f"{path}: nested too deeply for a plan file"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise PlanError(
            [f"{path}{line}: not valid YAML: {getattr(error, 'problem', error)}"]
        ) from error
    if not isinstance(raw, dict):
        raise PlanError(
            [
                f"{path}:1: a plan file is a mapping with "
                "plan, organisations, activities, series, indicators"
            ]
        )
    try:
        document = PlanDocument.model_validate(raw)
    except ValidationError as error:
        raise PlanError(
            [_describe(path, root, e["loc"], e["msg"]) for e in error.errors()]
        ) from error
    problems = _cross_check(document, path, root)
    if problems:
        raise PlanError(problems)
    return document, raw


def _plan_text(path: Path, max_bytes: int) -> str:
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PlanError([f"{path}: too large for a plan file (more than {max_bytes:,} bytes)"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PlanError(
            [f"{path}:{line}: not UTF-8 text (byte {error.start}); save the file as UTF-8"]
        ) from None


def _require_node_budget(path: Path, root: yaml.Node | None, max_nodes: int) -> None:
    """Count the nodes the document would have with every alias expanded, memoised per node
    (aliases share one node object), and refuse it past ``max_nodes``."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a recursive alias counts once rather than looping
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(key) + size(value) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        sizes[id(node)] = total
        return total

    if root is not None and size(root) > max_nodes:
        raise PlanError(
            [
                f"{path}: its YAML aliases expand to more than {max_nodes:,} nodes; "
                "a plan file does not need that (write the values out, or use fewer aliases)"
            ]
        )


def _describe(path: Path, root: yaml.Node, loc: tuple, message: str) -> str:
    field = _loc_text(loc)
    message = message.removeprefix("Value error, ")
    return f"{path}:{_line_of(root, loc)}: {field}: {message}"


def _loc_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith(("literal[", "function-")):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text


def _line_of(node: yaml.Node | None, loc: tuple) -> int:
    """The line of the deepest YAML node that ``loc`` reaches."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _cross_check(document: PlanDocument, path: Path, root: yaml.Node) -> list[str]:
    """Checks that span entries: references, duplicate keys, rules."""
    problems: list[str] = []

    def problem(loc: tuple, message: str) -> None:
        problems.append(f"{path}:{_line_of(root, loc)}: {_loc_text(loc)}: {message}")

    org_slugs = {o.slug for o in document.organisations}
    placed = document.all_activities()
    activities = {p.entry.code: p.entry for p in placed}
    for index, org in enumerate(document.organisations):
        if [o.slug for o in document.organisations].count(org.slug) > 1:
            problem(("organisations", index, "slug"), f"duplicate organisation '{org.slug}'")
    for item in placed:
        if item.organisation is None:
            problem(("activities",), f"activity {item.entry.code} names no organisation")
        elif item.organisation not in org_slugs:
            problem(
                ("activities",),
                f"activity {item.entry.code}: unknown organisation '{item.organisation}'",
            )
    seen_keys: set[str] = set()
    for index, series in enumerate(document.series):
        loc = ("series", index)
        if series.key in seen_keys:
            problem((*loc, "key"), f"duplicate series key '{series.key}'")
        seen_keys.add(series.key)
        activity = activities.get(series.activity)
        if activity is None:
            problem((*loc, "activity"), f"unknown activity code '{series.activity}'")
            continue
        if series.organisation and series.organisation not in org_slugs:
            problem((*loc, "organisation"), f"unknown organisation '{series.organisation}'")
        tz = series.timezone or document.plan.timezone
        bounds = activity_bounds(activity, demo=document.plan.demo)
        try:
            validate(series_spec(series, tz, bounds))
        except RuleError as error:
            field = "rule" if series.rule else "start"
            problem((*loc, field), str(error))
    return problems


def activity_bounds(activity: ActivityEntry, demo: bool = False) -> DateRange:
    """Occurrences of an activity's series fall inside its plan dates and overall timeframe.

    A demo replay (``demo``) keeps to the plan dates alone: its point is a calendar with
    content around today, also after a partner's real timeframe has ended.
    """
    if demo:
        return DateRange(activity.dates.start, activity.dates.end)
    start = max(activity.dates.start, activity.timeframe.start)
    end = min(activity.dates.end, activity.timeframe.end)
    return DateRange(start, max(start, end))
