"""The one checked way a rule is expanded, wherever it enters: the series editor and its
preview, ``flask series change``, plan files, imported calendars and the horizon job.

A rule costs bounded time and space: rules repeating every second or minute are refused
outright, a series may have so many occurrences, one save (a plan load, an import, an
editor's save) so many in all, and the expansion runs against a deadline. The values come
from the application's settings; this module only applies them. Pure: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from .engine import (
    ExpansionTimeout,
    Occurrence,
    ParsedRule,
    RecurrenceSpec,
    RuleError,
    expand,
    parse_rule,
)

#: names of the limits, as RuleRefused.limit gives them
FREQUENCY = "frequency"
PER_SERIES = "occurrences_per_series"
PER_SAVE = "occurrences_per_save"
DEADLINE = "deadline"

#: the setting each limit is read from (config.py)
SETTINGS = {
    FREQUENCY: "RULES_REFUSED_FREQUENCIES",
    PER_SERIES: "RULES_MAX_OCCURRENCES_PER_SERIES",
    PER_SAVE: "RULES_MAX_OCCURRENCES_PER_SAVE",
    DEADLINE: "RULES_DEADLINE_SECONDS",
}

_EVERY = {"SECONDLY": "second", "MINUTELY": "minute", "HOURLY": "hour", "DAILY": "day"}


class RuleRefused(RuleError):
    """A rule passes one of the limits. ``limit`` names which (FREQUENCY, PER_SERIES,
    PER_SAVE, DEADLINE), ``value`` the limit's value and ``setting`` the setting it comes
    from; the message names both. A RuleError, so every caller that refuses an invalid rule
    refuses these too."""

    def __init__(self, limit: str, value: object, message: str, setting: str | None = None):
        super().__init__(message)
        self.limit = limit
        self.value = value
        self.setting = setting or SETTINGS[limit]


@dataclass(frozen=True)
class RuleLimits:
    """The limits' values: the caller reads them from its settings (config.py's RULES_*,
    events.expansion.rule_limits), so they have no defaults here."""

    refused_frequencies: tuple[str, ...]
    max_per_series: int
    max_per_save: int
    seconds: float
    #: the settings named in refusals: a plan load or an import reads its own
    per_save_setting: str = SETTINGS[PER_SAVE]
    deadline_setting: str = SETTINGS[DEADLINE]


def check_rule(rule: str | None, limits: RuleLimits) -> ParsedRule | None:
    """The parsed rule, or RuleRefused for a frequency that is refused (RuleError for a rule
    that is not valid)."""
    if not rule:
        return None
    parsed = parse_rule(rule)
    if parsed.freq in limits.refused_frequencies:
        every = _EVERY.get(parsed.freq, parsed.freq.lower())
        raise RuleRefused(
            FREQUENCY,
            parsed.freq,
            f"the rule repeats every {every} (FREQ={parsed.freq}); such rules are refused "
            f"(limit {SETTINGS[FREQUENCY]}: {', '.join(limits.refused_frequencies)})",
        )
    return parsed


class RuleBudget:
    """One save's share of the limits: a deadline, and the occurrences counted over every
    series it expands. Start one per save and expand each series through it."""

    def __init__(
        self,
        limits: RuleLimits,
        seconds: float | None = None,
        deadline: float | None = None,
    ):
        self.limits = limits
        self.seconds = limits.seconds if seconds is None else seconds
        self.deadline = monotonic() + self.seconds if deadline is None else deadline
        self.used = 0

    def expand(
        self, spec: RecurrenceSpec, window_start: datetime, window_end: datetime
    ) -> list[Occurrence]:
        """``expand`` within the limits: RuleRefused instead of too many occurrences or a
        deadline passed; the occurrences are counted against the save's total."""
        check_rule(spec.rule, self.limits)
        per_series, per_save = self.limits.max_per_series, self.limits.max_per_save
        cap = max(0, min(per_series, per_save - self.used))
        try:
            found = expand(spec, window_start, window_end, limit=cap + 1, deadline=self.deadline)
        except ExpansionTimeout:
            raise self.timed_out() from None
        if len(found) > per_series:
            raise RuleRefused(
                PER_SERIES,
                per_series,
                f"the rule produces more than {per_series} occurrences for one series "
                f"(limit {SETTINGS[PER_SERIES]})",
            )
        if self.used + len(found) > per_save:
            raise RuleRefused(
                PER_SAVE,
                per_save,
                f"the rules produce more than {per_save} occurrences in one save "
                f"(limit {self.limits.per_save_setting})",
            )
        self.used += len(found)
        return found

    def timed_out(self) -> RuleRefused:
        return RuleRefused(
            DEADLINE,
            self.seconds,
            f"expanding the rule takes longer than {self.seconds:g} seconds "
            f"(limit {self.limits.deadline_setting})",
            self.limits.deadline_setting,
        )

    def check_time(self) -> None:
        if monotonic() > self.deadline:
            raise self.timed_out()
