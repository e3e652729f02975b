"""Recurrence engine: expand series (RRULE, RDATE, EXDATE, pauses, Estonian public holidays)
into occurrences, and describe them in Estonian, English and Russian. Pure: no Flask, no
database."""

from .describe import describe
from .engine import (
    HOLIDAY_POLICIES,
    DateRange,
    ExpansionTimeout,
    Occurrence,
    ParsedRule,
    RecurrenceSpec,
    RuleError,
    WeekdayRule,
    expand,
    parse_rule,
    validate,
)

__all__ = [
    "HOLIDAY_POLICIES",
    "DateRange",
    "ExpansionTimeout",
    "Occurrence",
    "ParsedRule",
    "RecurrenceSpec",
    "RuleError",
    "WeekdayRule",
    "describe",
    "expand",
    "parse_rule",
    "validate",
]
