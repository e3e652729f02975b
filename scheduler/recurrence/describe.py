"""Describe a series in words, in Estonian, English, Russian or Ukrainian (else English).

The description is built from the parsed rule: frequency and interval, weekdays (with
ordinals), days of the month, time of day, COUNT or UNTIL, the months the rule or its pauses
leave out, other pauses and EXDATEs, extra dates (RDATE) and the holiday policy.

Month, weekday and date formats come from babel (CLDR), typographic spaces included (a thin
space around the dash of a date range, a narrow no-break space in Russian "2024 г."). Where a
language needs a grammatical case that CLDR does not provide (Estonian adessive and genitive
of months, Russian accusative and dative of weekdays and ordinal agreement), small tables
below supply it. English uses British conventions ("31 December 2024"), as is usual in
Estonia.

Parts of a rule this module does not put into words (BYSETPOS, BYYEARDAY, BYWEEKNO,
BYSECOND) are appended verbatim in parentheses rather than silently left out.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import groupby
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    get_day_names,
    get_month_names,
)
from babel.lists import format_list

from .engine import DateRange, ParsedRule, RecurrenceSpec, WeekdayRule, parse_rule, validate

WORKING_WEEK = (0, 1, 2, 3, 4)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _unit_words(one: str, many: str) -> dict[str, tuple[str, str]]:
    """Each frequency's unit in the singular and the plural, listed in FREQUENCIES' order."""
    return dict(zip(FREQUENCIES, zip(_words(one), _words(many), strict=True), strict=True))


def describe(spec: RecurrenceSpec, locale: str = "en") -> str:
    """A human description of the series, e.g. "every Tuesday at 18:00, except July–September".

    ``locale`` is et, en, ru or uk (a region such as ru_RU is ignored); anything else gives
    English (``described_language``).
    """
    validate(spec)
    words = phrasebook(locale)
    start = _local_start(spec)
    if spec.rule is None:
        clauses = [_single_dates(spec, start, words)]
    else:
        clauses = _rule_clauses(spec, parse_rule(spec.rule), start, words)
    return ", ".join(clause for clause in clauses if clause)


def phrasebook(locale: str) -> English:
    language = str(locale or "").replace("-", "_").split("_")[0].lower()
    return _PHRASEBOOKS.get(language, English)()


def _local_start(spec: RecurrenceSpec) -> datetime:
    zone = ZoneInfo(spec.tz)
    if getattr(spec.start.tzinfo, "key", None) == zone.key:
        return spec.start
    return spec.start.astimezone(zone)


def _local_moments(spec: RecurrenceSpec, moments: Iterable[datetime]) -> list[datetime]:
    zone = ZoneInfo(spec.tz)
    local = (
        moment.replace(tzinfo=zone) if moment.utcoffset() is None else moment.astimezone(zone)
        for moment in moments
    )
    return sorted({moment.replace(tzinfo=None) for moment in local})


# ---------------------------------------------------------------------------------------------
# What the series says, independent of language


def _rule_clauses(
    spec: RecurrenceSpec, rule: ParsedRule, start: datetime, words: English
) -> list[str]:
    schedule, months_used = _schedule(rule, start, words)
    times = _times_of_day(rule, start)
    if times:
        schedule = f"{schedule} {words.at_times(times)}"
    leftover = _undescribed_parts(rule)
    if leftover:
        schedule = f"{schedule} ({leftover})"
    clauses = [schedule, _ending(rule, spec, words)]
    excluded = _excluded_items(spec, rule, months_used, start, words)
    if spec.holidays == "skip" and words.skip_holidays_as_exception:
        excluded.append(words.public_holidays_excepted)
    if excluded:
        clauses.append(words.except_(excluded))
    if spec.holidays == "skip" and not words.skip_holidays_as_exception:
        clauses.append(words.skip_holidays)
    if spec.holidays == "next":
        clauses.append(words.next_working_day)
    extra = _local_moments(spec, spec.rdates)
    if extra:
        clauses.append(words.also_on(_dated(extra, start.time(), words)))
    return clauses


def _schedule(rule: ParsedRule, start: datetime, words: English) -> tuple[str, bool]:
    """The frequency phrase, and whether it already names the months (so BYMONTH is not
    repeated as an exception)."""
    plain, _ = _weekdays(rule)
    if rule.freq == "WEEKLY" or (rule.freq == "DAILY" and plain):
        return words.weekly(rule.interval, plain or (start.weekday(),), rule.freq), False
    if rule.freq == "MONTHLY":
        return words.monthly(rule.interval, _month_detail(rule, start, words)), False
    if rule.freq == "YEARLY" and rule.by_month_day and not rule.by_month:
        # BYMONTHDAY alone in a yearly rule means that day of every month
        text = words.monthly(1, _month_detail(rule, start, words))
        if rule.interval > 1:
            text = f"{words.every_unit('YEARLY', rule.interval)}, {text}"
        return text, False
    if rule.freq == "YEARLY":
        return _yearly(rule, start, words)
    return words.every_unit(rule.freq, rule.interval), False


def _weekdays(rule: ParsedRule) -> tuple[tuple[int, ...], tuple[WeekdayRule, ...]]:
    """BYDAY's plain weekdays (every Tuesday) and its entries with an ordinal (the first
    Tuesday)."""
    plain = tuple(entry.weekday for entry in rule.by_weekday if entry.ordinal is None)
    ordinals = tuple(entry for entry in rule.by_weekday if entry.ordinal is not None)
    return plain, ordinals


def _weekday_details(rule: ParsedRule, words: English) -> list[str]:
    """The phrases of BYDAY within a month: the ordinal weekdays, then the plain ones."""
    plain, ordinals = _weekdays(rule)
    details = []
    if ordinals:
        details.append(words.ordinal_weekdays(ordinals))
    if plain:
        details.append(words.every_weekday_in_month(plain))
    return details


def _month_detail(rule: ParsedRule, start: datetime, words: English) -> str:
    details = _weekday_details(rule, words)
    if rule.by_month_day or not details:
        details.append(words.month_days(rule.by_month_day or (start.day,)))
    return words.list(details)


def _yearly(rule: ParsedRule, start: datetime, words: English) -> tuple[str, bool]:
    plain, ordinals = _weekdays(rule)
    months = rule.by_month or (start.month,)
    if ordinals and not plain and len(months) == 1:
        return words.yearly(rule.interval, words.ordinal_weekdays(ordinals, months[0])), True
    if ordinals or plain:
        return words.yearly(rule.interval, words.list(_weekday_details(rule, words))), False
    days = rule.by_month_day or (start.day,)
    dates = [(month, day) for month in months for day in days]
    return words.yearly(rule.interval, words.on_days_of_year(dates)), True


def _times_of_day(rule: ParsedRule, start: datetime) -> list[time]:
    if rule.freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        return []
    hours = rule.by_hour or (start.hour,)
    minutes = rule.by_minute or (start.minute,)
    return sorted(time(hour, minute) for hour in hours for minute in minutes)


def _undescribed_parts(rule: ParsedRule) -> str:
    parts = {
        "BYSETPOS": rule.by_set_pos,
        "BYYEARDAY": rule.by_year_day,
        "BYWEEKNO": rule.by_week_no,
        "BYSECOND": rule.by_second,
    }
    if rule.freq not in ("MONTHLY", "YEARLY"):
        parts["BYMONTHDAY"] = rule.by_month_day
    if rule.freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        parts["BYDAY"] = tuple(str(entry) for entry in rule.by_weekday)
        parts["BYHOUR"] = rule.by_hour
        parts["BYMINUTE"] = rule.by_minute
    return "; ".join(
        f"{name}={','.join(map(str, values))}" for name, values in parts.items() if values
    )


def _ending(rule: ParsedRule, spec: RecurrenceSpec, words: English) -> str:
    if rule.count is not None:
        return words.times_count(rule.count)
    if rule.until is not None:
        until = rule.until
        if isinstance(until, datetime):
            if until.tzinfo is not None:
                until = until.astimezone(ZoneInfo(spec.tz))
            until = until.date()
        return words.until(until)
    return ""


def _single_dates(spec: RecurrenceSpec, start: datetime, words: English) -> str:
    moments = _local_moments(spec, (start, *spec.rdates))
    times = {moment.time() for moment in moments}
    if len(times) == 1:
        dates = words.list([words.on_date(moment.date()) for moment in moments])
        return f"{words.on_dates(dates)} {words.at_times(sorted(times))}"
    return words.on_dates(_dated(moments, None, words))


def _dated(
    moments: Sequence[datetime], usual_time: time | None, words: English, excepted: bool = False
) -> str:
    """Dates, each with its time unless it is the series' usual time."""
    items = []
    for moment in moments:
        day = moment.date()
        item = words.excepted_date(day) if excepted else words.on_date(day)
        if moment.time() != usual_time:
            item = f"{item} {words.at_times([moment.time()])}"
        items.append(item)
    return words.list(items)


# ---------------------------------------------------------------------------------------------
# Exceptions: months left out, pauses, EXDATEs


def _excluded_items(
    spec: RecurrenceSpec, rule: ParsedRule, months_used: bool, start: datetime, words: English
) -> list[str]:
    year = _implied_year(spec, rule, start)
    months = set() if months_used or not rule.by_month else set(range(1, 13)) - set(rule.by_month)
    other_pauses = []
    for pause in sorted(spec.pauses, key=lambda pause: pause.start):
        if year is not None and _whole_months_within(pause, year):
            months.update(range(pause.start.month, pause.end.month + 1))
        else:
            other_pauses.append(pause)
    items = []
    for run in _month_runs(months):
        if len(run) <= 2:
            items += [words.month(month) for month in run]
        else:
            items.append(words.month_range(run[0], run[-1]))
    items += [_pause_phrase(pause, year, words) for pause in other_pauses]
    exdates = _local_moments(spec, spec.exdates)
    if exdates:
        items.append(_dated(exdates, start.time(), words, excepted=True))
    return items


def _implied_year(spec: RecurrenceSpec, rule: ParsedRule, start: datetime) -> int | None:
    """The one year the whole series lies in, if that is known: pauses in it can then be
    named without their year."""
    first, last = start.date(), None
    if spec.bounds is not None:
        first, last = max(first, spec.bounds.start), spec.bounds.end
    if rule.until is not None:
        until = rule.until.date() if isinstance(rule.until, datetime) else rule.until
        last = until if last is None else min(last, until)
    if last is None or last.year != first.year:
        return None
    return first.year


def _whole_months_within(pause: DateRange, year: int) -> bool:
    last_day = calendar.monthrange(pause.end.year, pause.end.month)[1]
    return (
        pause.start.year == pause.end.year == year
        and pause.start.day == 1
        and pause.end.day == last_day
    )


def _month_runs(months: set[int]) -> list[tuple[int, ...]]:
    """Months as runs of consecutive months, a run may wrap from December to January."""
    if not months:
        return []
    if len(months) == 12:
        return [tuple(range(1, 13))]
    first_kept = min(set(range(1, 13)) - months)
    order = [(first_kept + offset - 1) % 12 + 1 for offset in range(12)]
    runs = []
    for is_excluded, group in groupby(order, key=lambda month: month in months):
        if is_excluded:
            runs.append(tuple(group))
    return runs


def _pause_phrase(pause: DateRange, year: int | None, words: English) -> str:
    if pause.start == pause.end:
        return words.excepted_date(pause.start) if year is None else words.day_month(pause.start)
    if year is None and _whole_months_within(pause, pause.start.year):
        return words.month_range(pause.start.month, pause.end.month, pause.start.year)
    return words.date_range(pause.start, pause.end, with_year=year is None)


# ---------------------------------------------------------------------------------------------
# Phrasebooks

# Phrases that only put words around what they are given ({}), each language's own, side by
# side: English, Estonian, Russian. None where a phrasebook words it otherwise (Russian's
# weekly() says "every" and names the weekdays itself).
_AROUND = {
    # English, Estonian, Russian, Ukrainian
    "at": ("at {}", "kell {}", "в {}", "о {}"),
    "until": ("until {}", "kuni {}", "до {}", "до {}"),
    "except": ("except {}", "v.a {}", "кроме {}", "крім {}"),
    "on_dates": ("on {}", "{}", "{}", "{}"),
    "also_on": ("also on {}", "lisaks {}", "а также {}", "а також {}"),
    "on_ordinals": ("on {}", "{}", "в {}", "у {}"),
    "on_days": ("on {}", "{}", "{}", "{}"),
    "every": ("every {}", "iga {}", None, None),
    "on_weekdays": ("on {}", "{}", None, None),
    "habitually": ("on {}", "{}", "по {}", "по {}"),
}


def _phrases_around(column: int) -> dict[str, str]:
    return {name: words[column] for name, words in _AROUND.items() if words[column] is not None}


class English:
    babel_locale = "en_GB"
    range_separator = "\u2009–\u2009"  # as CLDR's date intervals: thin spaces, en dash
    skip_holidays_as_exception = False
    public_holidays_excepted = ""
    skip_holidays = "skipping public holidays"
    next_working_day = "moved to the next working day on public holidays"
    _units = _unit_words(
        "second minute hour day week month year", "seconds minutes hours days weeks months years"
    )
    _ordinals = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
    _around = _phrases_around(0)
    _in_month = "{text} of {month}"
    _every_unit = ("every {one}", "every {count} {many}")
    every_working_day = "every weekday"

    def around(self, phrase: str, text: str) -> str:
        return self._around[phrase].format(text)

    # -- babel
    def weekday(self, weekday: int) -> str:
        return get_day_names("wide", locale=self.babel_locale)[weekday]

    def month(self, month: int) -> str:
        return get_month_names("wide", locale=self.babel_locale)[month]

    def list(self, items: Sequence[str]) -> str:
        return format_list(list(items), locale=self.babel_locale)

    def on_date(self, day: date) -> str:
        """A date as in "on 14 March 2024"."""
        return format_date(day, "long", locale=self.babel_locale)

    def excepted_date(self, day: date) -> str:
        """A date as in "except 14 March 2024"."""
        return format_date(day, "long", locale=self.babel_locale)

    def day_month(self, day: date) -> str:
        return format_skeleton("MMMMd", day, locale=self.babel_locale)

    def date_range(self, first: date, last: date, with_year: bool) -> str:
        if with_year:
            return f"{self.excepted_date(first)}{self.range_separator}{self.excepted_date(last)}"
        return format_interval(first, last, "MMMMd", locale=self.babel_locale)

    def month_range(self, first: int, last: int, year: int | None = None) -> str:
        text = self.month(first) if first == last else f"{self.month(first)}–{self.month(last)}"
        return text if year is None else f"{text} {year}"

    # -- schedule
    def every_unit(self, freq: str, interval: int) -> str:
        one, many = self._units[freq]
        template = self._every_unit[0 if interval == 1 else 1]
        return template.format(one=one, many=many, count=interval)

    def weekly(self, interval: int, weekdays: tuple[int, ...], freq: str = "WEEKLY") -> str:
        if interval == 1:
            if sorted(weekdays) == list(WORKING_WEEK):
                return self.every_working_day
            return self.around("every", self.list([self.weekday(day) for day in weekdays]))
        days = self.list([self.weekday_after_unit(day) for day in weekdays])
        return f"{self.every_unit(freq, interval)} {self.around('on_weekdays', days)}"

    def weekday_after_unit(self, weekday: int) -> str:
        """The weekday in "every 2 weeks on Tuesday"."""
        return self.weekday(weekday)

    def monthly(self, interval: int, detail: str) -> str:
        if interval == 1:
            return f"{detail} of every month"
        return f"{detail} of every {_english_number_ordinal(interval)} month"

    def yearly(self, interval: int, detail: str) -> str:
        return f"{self.every_unit('YEARLY', interval)} {detail}"

    def ordinal_word(self, ordinal: int) -> str:
        if ordinal in self._ordinals:
            return self._ordinals[ordinal]
        if ordinal < 0:
            return f"{_english_number_ordinal(-ordinal)}-to-last"
        return _english_number_ordinal(ordinal)

    def ordinal_weekdays(self, entries: Sequence[WeekdayRule], month: int | None = None) -> str:
        """Phrases such as "on the first and last Tuesday of March", in each language's words."""
        phrases = [
            self.ordinal_weekday(weekday, [entry.ordinal for entry in group])
            for weekday, group in _by_weekday(entries)
        ]
        return self.in_month(self.around("on_ordinals", self.list(phrases)), month)

    def ordinal_weekday(self, weekday: int, ordinals: Sequence[int]) -> str:
        return f"the {self.list([self.ordinal_word(o) for o in ordinals])} {self.weekday(weekday)}"

    def in_month(self, text: str, month: int | None) -> str:
        if month is None:
            return text
        return self._in_month.format(text=text, month=self.month_of(month))

    def month_of(self, month: int) -> str:
        """The month as in "the first Tuesday of March"."""
        return self.month(month)

    def every_weekday_in_month(self, weekdays: Sequence[int]) -> str:
        days = self.list([self.weekdays_habitually(day) for day in weekdays])
        return self.around("habitually", days)

    def weekdays_habitually(self, weekday: int) -> str:
        """The weekday as in "on Tuesdays"."""
        return f"{self.weekday(weekday)}s"

    def month_days(self, days: Sequence[int]) -> str:
        """Days of the month, counted from its start and then from its end."""
        counted = [day for day in days if day > 0]
        phrases = [self.counted_days(counted)] if counted else []
        phrases += [self.day_from_end(day) for day in days if day < 0]
        return self.around("on_days", self.list(phrases))

    def counted_days(self, days: Sequence[int]) -> str:
        label = "day" if len(days) == 1 else "days"
        return f"{label} {self.list([str(day) for day in days])}"

    def day_from_end(self, day: int) -> str:
        return f"the {self.ordinal_word(day)} day"

    def on_days_of_year(self, dates: Sequence[tuple[int, int]]) -> str:
        return f"on {self.list([self.day_month(date(2000, month, day)) for month, day in dates])}"

    def at_times(self, times: Sequence[time]) -> str:
        return self.around("at", self.list([format(moment, "%H:%M") for moment in times]))

    # -- endings and exceptions
    def times_count(self, count: int) -> str:
        return "once" if count == 1 else f"{count} times"

    def until(self, day: date) -> str:
        return self.around("until", self.on_date(day))

    def except_(self, items: Sequence[str]) -> str:
        return self.around("except", self.list(items))

    def on_dates(self, dates: str) -> str:
        return self.around("on_dates", dates)

    def also_on(self, dates: str) -> str:
        return self.around("also_on", dates)


class Estonian(English):
    babel_locale = "et"
    skip_holidays = "riigipühadel ei toimu"
    next_working_day = "riigipühal toimub järgmisel tööpäeval"
    _around = _phrases_around(1)
    _in_month = "{month} {text}"
    _every_unit = ("iga {one}", "iga {count} {many} tagant")
    every_working_day = "iga tööpäev"
    _units = _unit_words(
        "sekund minut tund päev nädal kuu aasta", "sekundi minuti tunni päeva nädala kuu aasta"
    )
    # adessive ("on the first ...")
    _ordinals = {
        1: "esimesel",
        2: "teisel",
        3: "kolmandal",
        4: "neljandal",
        5: "viiendal",
        -1: "viimasel",
        -2: "eelviimasel",
    }
    # CLDR has only the nominative; "on 24 June" and "of March" need these cases
    _month_adessive = _words(
        "jaanuaril veebruaril märtsil aprillil mail juunil juulil augustil septembril "
        "oktoobril novembril detsembril"
    )
    _month_genitive = _words(
        "jaanuari veebruari märtsi aprilli mai juuni juuli augusti septembri oktoobri "
        "novembri detsembri"
    )

    # "on Tuesday" and "on Tuesdays"
    _weekday_adessive = _words(
        "esmaspäeval teisipäeval kolmapäeval neljapäeval reedel laupäeval pühapäeval"
    )
    _weekday_habitual = _words(
        "esmaspäeviti teisipäeviti kolmapäeviti neljapäeviti reedeti laupäeviti pühapäeviti"
    )

    def weekday_adessive(self, weekday: int) -> str:
        return self._weekday_adessive[weekday]

    def on_date(self, day: date) -> str:
        return f"{day.day}. {self._month_adessive[day.month - 1]} {day.year}"

    def weekday_after_unit(self, weekday: int) -> str:
        return self.weekday_adessive(weekday)

    def monthly(self, interval: int, detail: str) -> str:
        return f"{self.every_unit('MONTHLY', interval)} {detail}"

    def ordinal_word(self, ordinal: int) -> str:
        if ordinal in self._ordinals:
            return self._ordinals[ordinal]
        return f"{ordinal}." if ordinal > 0 else f"lõpust {-ordinal}."

    def ordinal_weekday(self, weekday: int, ordinals: Sequence[int]) -> str:
        words = self.list([self.ordinal_word(o) for o in ordinals])
        return f"{words} {self.weekday_adessive(weekday)}"

    def month_of(self, month: int) -> str:
        return self._month_genitive[month - 1]

    def weekdays_habitually(self, weekday: int) -> str:
        return self._weekday_habitual[weekday]

    def counted_days(self, days: Sequence[int]) -> str:
        return f"{self.list([f'{day}.' for day in days])} kuupäeval"

    def day_from_end(self, day: int) -> str:
        return f"{self.ordinal_word(day)} päeval"

    def on_days_of_year(self, dates: Sequence[tuple[int, int]]) -> str:
        return self.list([f"{day}. {self._month_adessive[month - 1]}" for month, day in dates])

    def times_count(self, count: int) -> str:
        return "1 kord" if count == 1 else f"{count} korda"

    def until(self, day: date) -> str:
        return self.around("until", self.excepted_date(day))  # "kuni 14. märts 2024"


class Russian(English):
    babel_locale = "ru"
    range_separator = "\u2009—\u2009"
    skip_holidays_as_exception = True
    public_holidays_excepted = "государственных праздников"
    next_working_day = "в государственные праздники переносится на следующий рабочий день"
    _around = _phrases_around(2)
    _in_month = "{text} {month}"
    _genders = ("m", "m", "f", "m", "f", "f", "n")
    _every = {"m": "каждый", "f": "каждую", "n": "каждое"}
    _weekday_accusative = _words("понедельник вторник среду четверг пятницу субботу воскресенье")
    _weekday_dative_plural = _words(
        "понедельникам вторникам средам четвергам пятницам субботам воскресеньям"
    )
    # accusative, by the gender of the weekday
    _ordinal_stems = {
        1: ("первый", "первую", "первое"),
        2: ("второй", "вторую", "второе"),
        3: ("третий", "третью", "третье"),
        4: ("четвёртый", "четвёртую", "четвёртое"),
        5: ("пятый", "пятую", "пятое"),
        -1: ("последний", "последнюю", "последнее"),
        -2: ("предпоследний", "предпоследнюю", "предпоследнее"),
    }
    # every <unit> / once in <n> <unit> (one, few, many)
    _units = {
        "SECONDLY": ("каждую секунду", ("секунду", "секунды", "секунд")),
        "MINUTELY": ("каждую минуту", ("минуту", "минуты", "минут")),
        "HOURLY": ("каждый час", ("час", "часа", "часов")),
        "DAILY": ("каждый день", ("день", "дня", "дней")),
        "WEEKLY": ("каждую неделю", ("неделю", "недели", "недель")),
        "MONTHLY": ("каждый месяц", ("месяц", "месяца", "месяцев")),
        "YEARLY": ("каждый год", ("год", "года", "лет")),
    }

    def plural(self, count: int, forms: tuple[str, str, str]) -> str:
        category = Locale.parse(self.babel_locale).plural_form(count)
        return forms[{"one": 0, "few": 1}.get(category, 2)]

    def every_unit(self, freq: str, interval: int) -> str:
        every, forms = self._units[freq]
        return every if interval == 1 else f"раз в {interval} {self.plural(interval, forms)}"

    def weekly(self, interval: int, weekdays: tuple[int, ...], freq: str = "WEEKLY") -> str:
        if sorted(weekdays) == list(WORKING_WEEK):
            days = "по будням"
        elif len(weekdays) == 1 and interval == 1:
            day = weekdays[0]
            return f"{self._every[self._genders[day]]} {self._weekday_accusative[day]}"
        else:
            days = f"по {self.list([self._weekday_dative_plural[day] for day in weekdays])}"
        return days if interval == 1 else f"{self.every_unit(freq, interval)} {days}"

    def monthly(self, interval: int, detail: str) -> str:
        if interval == 1:
            return f"{detail} каждого месяца"
        return f"{self.every_unit('MONTHLY', interval)}, {detail}"

    def yearly(self, interval: int, detail: str) -> str:
        separator = " " if interval == 1 else ", "
        return f"{self.every_unit('YEARLY', interval)}{separator}{detail}"

    def ordinal_for(self, ordinal: int, gender: str) -> str:
        index = "mfn".index(gender)
        if ordinal in self._ordinal_stems:
            return self._ordinal_stems[ordinal][index]
        ending = ("-й", "-ю", "-е")[index]
        return f"{ordinal}{ending}" if ordinal > 0 else f"{-ordinal}{ending} с конца"

    def ordinal_weekday(self, weekday: int, ordinals: Sequence[int]) -> str:
        gender = self._genders[weekday]
        words = self.list([self.ordinal_for(o, gender) for o in ordinals])
        return f"{words} {self._weekday_accusative[weekday]}"

    def weekdays_habitually(self, weekday: int) -> str:
        return self._weekday_dative_plural[weekday]

    def counted_days(self, days: Sequence[int]) -> str:
        return f"{self.list([f'{day}-го' for day in days])} числа"

    def day_from_end(self, day: int) -> str:
        return "в последний день" if day == -1 else f"в {-day}-й день с конца"

    def on_days_of_year(self, dates: Sequence[tuple[int, int]]) -> str:
        return self.list([self.day_month(date(2000, month, day)) for month, day in dates])

    def month_range(self, first: int, last: int, year: int | None = None) -> str:
        text = super().month_range(first, last)
        return text if year is None else f"{text} {year}\u202fг."  # as CLDR: narrow space

    def times_count(self, count: int) -> str:
        return f"{count} {self.plural(count, ('раз', 'раза', 'раз'))}"


class Ukrainian(Russian):
    babel_locale = "uk"
    public_holidays_excepted = "державних свят"
    next_working_day = "у державні свята переноситься на наступний робочий день"
    _around = _phrases_around(3)
    _genders = ("m", "m", "f", "m", "f", "f", "f")
    _weekday_accusative = _words("понеділок вівторок середу четвер п’ятницю суботу неділю")
    _weekday_dative_plural = _words(
        "понеділках вівторках середах четвергах п’ятницях суботах неділях"
    )
    _every_weekday = _words(
        "щопонеділка щовівторка щосереди щочетверга щоп’ятниці щосуботи щонеділі"
    )
    _ordinal_stems = {
        1: ("перший", "першу", "перше"),
        2: ("другий", "другу", "друге"),
        3: ("третій", "третю", "третє"),
        4: ("четвертий", "четверту", "четверте"),
        5: ("п’ятий", "п’яту", "п’яте"),
        -1: ("останній", "останню", "останнє"),
        -2: ("передостанній", "передостанню", "передостаннє"),
    }
    _units = {
        "SECONDLY": ("щосекунди", ("секунду", "секунди", "секунд")),
        "MINUTELY": ("щохвилини", ("хвилину", "хвилини", "хвилин")),
        "HOURLY": ("щогодини", ("годину", "години", "годин")),
        "DAILY": ("щодня", ("день", "дні", "днів")),
        "WEEKLY": ("щотижня", ("тиждень", "тижні", "тижнів")),
        "MONTHLY": ("щомісяця", ("місяць", "місяці", "місяців")),
        "YEARLY": ("щороку", ("рік", "роки", "років")),
    }

    def every_unit(self, freq: str, interval: int) -> str:
        every, forms = self._units[freq]
        return every if interval == 1 else f"раз на {interval} {self.plural(interval, forms)}"

    def weekly(self, interval: int, weekdays: tuple[int, ...], freq: str = "WEEKLY") -> str:
        if sorted(weekdays) == list(WORKING_WEEK):
            days = "у робочі дні"
        elif len(weekdays) == 1 and interval == 1:
            return self._every_weekday[weekdays[0]]
        else:
            days = f"по {self.list([self._weekday_dative_plural[day] for day in weekdays])}"
        return days if interval == 1 else f"{self.every_unit(freq, interval)} {days}"

    def monthly(self, interval: int, detail: str) -> str:
        if interval == 1:
            return f"{detail} кожного місяця"
        return f"{self.every_unit('MONTHLY', interval)}, {detail}"

    def ordinal_for(self, ordinal: int, gender: str) -> str:
        index = "mfn".index(gender)
        if ordinal in self._ordinal_stems:
            return self._ordinal_stems[ordinal][index]
        ending = ("-й", "-у", "-е")[index]
        return f"{ordinal}{ending}" if ordinal > 0 else f"{-ordinal}{ending} з кінця"

    def counted_days(self, days: Sequence[int]) -> str:
        return f"{self.list([f'{day}-го' for day in days])} числа"

    def day_from_end(self, day: int) -> str:
        return "в останній день" if day == -1 else f"в {-day}-й день з кінця"

    def month_range(self, first: int, last: int, year: int | None = None) -> str:
        text = English.month_range(self, first, last)
        return text if year is None else f"{text} {year}\u202fр."

    def times_count(self, count: int) -> str:
        return f"{count} {self.plural(count, ('раз', 'рази', 'разів'))}"


_PHRASEBOOKS: dict[str, type[English]] = {
    "en": English,
    "et": Estonian,
    "ru": Russian,
    "uk": Ukrainian,
}


#: the languages ``describe`` writes in (others get English)
DESCRIBED_LANGUAGES = tuple(_PHRASEBOOKS)


def described_language(locale: str) -> str:
    """The language ``describe`` answers ``locale`` in: its own, or English."""
    language = str(locale or "").replace("-", "_").split("_")[0].lower()
    return language if language in _PHRASEBOOKS else "en"


def _by_weekday(entries: Sequence[WeekdayRule]) -> list[tuple[int, list[WeekdayRule]]]:
    """Entries grouped by weekday, in the order weekdays first appear, ordinals sorted with
    the last ones at the end (first and third; second and last)."""
    order: dict[int, list[WeekdayRule]] = {}
    for entry in entries:
        order.setdefault(entry.weekday, []).append(entry)
    return [
        (weekday, sorted(group, key=lambda entry: (entry.ordinal < 0, abs(entry.ordinal))))
        for weekday, group in order.items()
    ]


def _english_number_ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
