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
from .limits import RuleBudget, RuleLimits, RuleRefused, check_rule

__all__ = [
    "HOLIDAY_POLICIES",
    "DateRange",
    "ExpansionTimeout",
    "Occurrence",
    "ParsedRule",
    "RecurrenceSpec",
    "RuleBudget",
    "RuleError",
    "RuleLimits",
    "RuleRefused",
    "WeekdayRule",
    "check_rule",
    "describe",
    "expand",
    "parse_rule",
    "validate",
]
