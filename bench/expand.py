"""Benchmark: expand a national-scale plan with the recurrence engine.

79 local governments x 20 series, 2023-01-01..2029-12-31: weekly, biweekly, monthly on the
first Tuesday and quarterly rules, some with pauses, holiday policies and UNTIL or COUNT.

Baselines, measured in the same run on the same rules and window:
- dateutil: iterating the same rules (already built, UNTIL already in UTC) with
  ``rrule.between``; the engine is timed with its rule cache warm, so both sides pay for
  iteration only. A second figure includes building the dateutil rules from text.
- recurring_ical_events: an equivalent .ics (one VEVENT with an RRULE per series, parsed
  beforehand with icalendar) expanded between the same dates.

Run from the project root: ``.venv/bin/python bench/expand.py``. Prints a table and ends with
one line of key=value pairs. Never fails on a timing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import icalendar  # noqa: E402
import recurring_ical_events  # noqa: E402
from dateutil.rrule import rrule, rrulestr  # noqa: E402

from scheduler.recurrence import DateRange, RecurrenceSpec, expand, parse_rule  # noqa: E402
from scheduler.recurrence.engine import _until_instant  # noqa: E402

LOCAL_GOVERNMENTS = 79
SERIES_PER_GOVERNMENT = 20
TIME_ZONE = "Europe/Tallinn"
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2029, 12, 31)
REPEATS = 5
SLOW_REPEATS = 2  # recurring_ical_events takes seconds per run

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
RULE_SHAPES = (
    "FREQ=WEEKLY;BYDAY={day}",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
    "FREQ=MONTHLY;BYDAY=1TU",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
)


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: float
    occurrences: int


def synthetic_plan(seed: int = 2024) -> list[RecurrenceSpec]:
    randomness = random.Random(seed)
    zone = ZoneInfo(TIME_ZONE)
    return [
        synthetic_series(randomness, zone)
        for _ in range(LOCAL_GOVERNMENTS)
        for _ in range(SERIES_PER_GOVERNMENT)
    ]


def synthetic_series(randomness: random.Random, zone: ZoneInfo) -> RecurrenceSpec:
    rule = randomness.choice(RULE_SHAPES).format(day=randomness.choice(WEEKDAYS))
    ending = randomness.random()
    if ending < 0.15:
        rule += f";UNTIL={2025 + randomness.randrange(4)}1231T235959"  # floating, local
    elif ending < 0.25:
        rule += f";COUNT={randomness.randrange(20, 200)}"
    first = FIRST_DAY + timedelta(days=randomness.randrange(540))
    start = datetime.combine(first, datetime.min.time(), zone).replace(
        hour=randomness.choice((10, 14, 17, 18)), minute=randomness.choice((0, 30))
    )
    start = synchronised_start(rule, start)
    return RecurrenceSpec(
        start=start,
        duration=timedelta(minutes=randomness.choice((60, 90, 120))),
        rule=rule,
        pauses=summer_pauses() if randomness.random() < 0.4 else (),
        holidays=randomness.choice(("keep", "keep", "skip", "next")),
        bounds=DateRange(first, date(2029, 10, 31)) if randomness.random() < 0.3 else None,
        tz=TIME_ZONE,
    )


def synchronised_start(rule: str, start: datetime) -> datetime:
    """The rule's first occurrence from ``start``: RFC 5545 counts an unsynchronised DTSTART
    as an occurrence (recurring_ical_events does), dateutil does not; this keeps the three
    expansions counting the same occurrences."""
    unlimited = parse_rule(rule).to_text(unlimited=True)
    return rrulestr(unlimited, dtstart=start)[0]


def summer_pauses() -> tuple[DateRange, ...]:
    return tuple(
        DateRange(date(year, 7, 1), date(year, 8, 31))
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1)
    )


def dateutil_text(spec: RecurrenceSpec) -> str:
    """The same rule as dateutil accepts it with an aware start: UNTIL in UTC."""
    parsed = parse_rule(spec.rule)
    return parsed.to_text(until=_until_instant(parsed.until, ZoneInfo(spec.tz)))


def window() -> tuple[datetime, datetime]:
    zone = ZoneInfo(TIME_ZONE)
    start = datetime.combine(FIRST_DAY, datetime.min.time(), zone)
    end = datetime.combine(LAST_DAY + timedelta(days=1), datetime.min.time(), zone)
    return start, end


def ics_for(plan: list[RecurrenceSpec]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ELVL//scheduler bench//EN")
    calendar.add("version", "2.0")
    for number, spec in enumerate(plan):
        event = icalendar.Event()
        event.add("uid", f"series-{number}@bench.elvl.ee")
        event.add("summary", f"Series {number}")
        event.add("dtstart", spec.start)
        event.add("dtend", spec.start + spec.duration)
        event.add("rrule", icalendar.vRecur.from_ical(dateutil_text(spec)))
        calendar.add_component(event)
    return calendar.to_ical()


def best_of(name: str, repeats: int, run: Callable[[], int]) -> Timing:
    best, occurrences = float("inf"), 0
    for _ in range(repeats):
        began = time.perf_counter()
        occurrences = run()
        best = min(best, time.perf_counter() - began)
    return Timing(name, best, occurrences)


def main() -> None:
    plan = synthetic_plan()
    start, end = window()
    texts = [dateutil_text(spec) for spec in plan]
    rules: list[rrule] = [
        rrulestr(text, dtstart=spec.start) for text, spec in zip(texts, plan, strict=True)
    ]
    calendar = icalendar.Calendar.from_ical(ics_for(plan))

    def engine() -> int:
        return sum(len(expand(spec, start, end)) for spec in plan)

    def dateutil_iteration() -> int:
        return sum(len(rule.between(start, end, inc=True)) for rule in rules)

    def dateutil_with_parsing() -> int:
        return sum(
            len(rrulestr(text, dtstart=spec.start).between(start, end, inc=True))
            for text, spec in zip(texts, plan, strict=True)
        )

    def ical_expansion() -> int:
        return len(recurring_ical_events.of(calendar).between(start, end))

    engine()  # warm the rule, holiday and daylight-saving caches
    ours = best_of("engine (pauses, holidays, bounds applied)", REPEATS, engine)
    baseline = best_of("dateutil rrule.between (rules prebuilt)", REPEATS, dateutil_iteration)
    parsing = best_of("dateutil rrulestr + between", REPEATS, dateutil_with_parsing)
    theirs = best_of("recurring_ical_events.between", SLOW_REPEATS, ical_expansion)
    print_report(len(plan), ours, [baseline, parsing, theirs])
    print(
        f"series={len(plan)} occurrences={ours.occurrences} "
        f"dateutil_occurrences={baseline.occurrences} ours_s={ours.seconds:.3f} "
        f"dateutil_s={baseline.seconds:.3f} recurring_ical_events_s={theirs.seconds:.3f} "
        f"vs_dateutil={ours.seconds / baseline.seconds:.3f} "
        f"vs_dateutil_with_parsing={ours.seconds / parsing.seconds:.3f} "
        f"vs_recurring_ical_events={ours.seconds / theirs.seconds:.3f}"
    )


def print_report(series: int, ours: Timing, others: list[Timing]) -> None:
    print(f"{series} series, {FIRST_DAY} .. {LAST_DAY}, best of {REPEATS} ({SLOW_REPEATS} slow)")
    print(f"{'expansion':<44}{'seconds':>9}{'occurrences':>13}{'us/occ':>9}{'ours/this':>11}")
    for timing in (ours, *others):
        per_occurrence = timing.seconds / max(timing.occurrences, 1) * 1e6
        ratio = ours.seconds / timing.seconds
        print(
            f"{timing.name:<44}{timing.seconds:>9.3f}{timing.occurrences:>13}"
            f"{per_occurrence:>9.2f}{ratio:>11.3f}"
        )


if __name__ == "__main__":
    main()
