"""Descriptions of series in Estonian, English and Russian, checked word for word.

Babel's (CLDR's) typography is kept: a thin space (U+2009) around the dash of a date range
and a narrow no-break space (U+202F) before the Russian "г." (year).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.recurrence import DateRange, RecurrenceSpec, RuleError, describe

TALLINN = ZoneInfo("Europe/Tallinn")


def local(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TALLINN)


def series(rule: str | None, **fields) -> RecurrenceSpec:
    fields.setdefault("start", local(2024, 1, 2))
    return RecurrenceSpec(duration=timedelta(hours=1), rule=rule, **fields)


QUARTER_3_OFF = "FREQ=WEEKLY;BYDAY=TU;BYMONTH=1,2,3,4,5,6,10,11,12"
YEAR_2024 = DateRange.parse("2024-01-01/2024-12-31")

CASES = [
    (
        series(QUARTER_3_OFF),
        "every Tuesday at 18:00, except July–September",
        "iga teisipäev kell 18:00, v.a juuli–september",
        "каждый вторник в 18:00, кроме июля–сентября",
    ),
    (
        series(
            "FREQ=WEEKLY;BYDAY=TU",
            pauses=(DateRange.parse("2024-07-01/2024-09-30"),),
            bounds=YEAR_2024,
        ),
        "every Tuesday at 18:00, except July–September",
        "iga teisipäev kell 18:00, v.a juuli–september",
        "каждый вторник в 18:00, кроме июля–сентября",
    ),
    (
        series("FREQ=WEEKLY;BYDAY=TU", pauses=(DateRange.parse("2024-07-01/2024-09-30"),)),
        "every Tuesday at 18:00, except July–September 2024",
        "iga teisipäev kell 18:00, v.a juuli–september 2024",
        "каждый вторник в 18:00, кроме июля–сентября 2024\u202fг.",
    ),
    (
        series(
            "FREQ=WEEKLY;BYDAY=SA",
            pauses=(DateRange.parse("2024-07-01/2024-08-15"),),
            bounds=YEAR_2024,
        ),
        "every Saturday at 18:00, except 1 July\u2009–\u200915 August",
        "iga laupäev kell 18:00, v.a 1. juuli\u2009–\u200915. august",
        "каждую субботу в 18:00, кроме 1 июля\u2009—\u200915 августа",
    ),
    (
        series("FREQ=WEEKLY;BYDAY=SA", pauses=(DateRange.parse("2024-07-01/2024-08-15"),)),
        "every Saturday at 18:00, except 1 July 2024\u2009–\u200915 August 2024",
        "iga laupäev kell 18:00, v.a 1. juuli 2024\u2009–\u200915. august 2024",
        "каждую субботу в 18:00, кроме 1 июля 2024\u202fг.\u2009—\u200915 августа 2024\u202fг.",
    ),
    (
        series("FREQ=MONTHLY;BYDAY=1TU;BYMONTH=1,2,3,4,5,6,9,10,11,12"),
        "on the first Tuesday of every month at 18:00, except July and August",
        "iga kuu esimesel teisipäeval kell 18:00, v.a juuli ja august",
        "в первый вторник каждого месяца в 18:00, кроме июля и августа",
    ),
    (
        series("FREQ=WEEKLY;BYDAY=SU;BYMONTH=3,4,5,6,7,8,9,10"),
        "every Sunday at 18:00, except November–February",
        "iga pühapäev kell 18:00, v.a november–veebruar",
        "каждое воскресенье в 18:00, кроме ноября–февраля",
    ),
    (
        series("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20241231", holidays="skip"),
        "every 2 weeks on Tuesday and Thursday at 18:00, until 31 December 2024, "
        "skipping public holidays",
        "iga 2 nädala tagant teisipäeval ja neljapäeval kell 18:00, kuni 31. detsember 2024, "
        "riigipühadel ei toimu",
        "раз в 2 недели по вторникам и четвергам в 18:00, до 31 декабря 2024\u202fг., "
        "кроме государственных праздников",
    ),
    (
        series("FREQ=MONTHLY;BYDAY=1TU;COUNT=5", holidays="next"),
        "on the first Tuesday of every month at 18:00, 5 times, "
        "moved to the next working day on public holidays",
        "iga kuu esimesel teisipäeval kell 18:00, 5 korda, riigipühal toimub järgmisel tööpäeval",
        "в первый вторник каждого месяца в 18:00, 5 раз, "
        "в государственные праздники переносится на следующий рабочий день",
    ),
    (
        series("FREQ=MONTHLY;BYDAY=-1FR"),
        "on the last Friday of every month at 18:00",
        "iga kuu viimasel reedel kell 18:00",
        "в последнюю пятницу каждого месяца в 18:00",
    ),
    (
        series("FREQ=MONTHLY;BYDAY=1WE,3WE"),
        "on the first and third Wednesday of every month at 18:00",
        "iga kuu esimesel ja kolmandal kolmapäeval kell 18:00",
        "в первую и третью среду каждого месяца в 18:00",
    ),
    (
        series("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"),
        "on day 15 of every 3rd month at 18:00",
        "iga 3 kuu tagant 15. kuupäeval kell 18:00",
        "раз в 3 месяца, 15-го числа в 18:00",
    ),
    (
        series("FREQ=MONTHLY;BYMONTHDAY=-1"),
        "on the last day of every month at 18:00",
        "iga kuu viimasel päeval kell 18:00",
        "в последний день каждого месяца в 18:00",
    ),
    (
        series("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=24", start=local(2024, 6, 24, 12)),
        "every year on 24 June at 12:00",
        "iga aasta 24. juunil kell 12:00",
        "каждый год 24 июня в 12:00",
    ),
    (
        series("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
        "every year on the last Sunday of March at 18:00",
        "iga aasta märtsi viimasel pühapäeval kell 18:00",
        "каждый год в последнее воскресенье марта в 18:00",
    ),
    (
        series("FREQ=DAILY;INTERVAL=3"),
        "every 3 days at 18:00",
        "iga 3 päeva tagant kell 18:00",
        "раз в 3 дня в 18:00",
    ),
    (
        series("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,14;BYMINUTE=30"),
        "every weekday at 09:30 and 14:30",
        "iga tööpäev kell 09:30 ja 14:30",
        "по будням в 09:30 и 14:30",
    ),
    (
        series("FREQ=WEEKLY;BYDAY=WE;COUNT=1"),
        "every Wednesday at 18:00, once",
        "iga kolmapäev kell 18:00, 1 kord",
        "каждую среду в 18:00, 1 раз",
    ),
    (
        series("FREQ=WEEKLY;BYDAY=WE;COUNT=3"),
        "every Wednesday at 18:00, 3 times",
        "iga kolmapäev kell 18:00, 3 korda",
        "каждую среду в 18:00, 3 раза",
    ),
    (
        series(
            "FREQ=WEEKLY;BYDAY=SU",
            exdates=(local(2024, 3, 31),),
            rdates=(local(2024, 8, 4, 12),),
        ),
        "every Sunday at 18:00, except 31 March 2024, also on 4 August 2024 at 12:00",
        "iga pühapäev kell 18:00, v.a 31. märts 2024, lisaks 4. augustil 2024 kell 12:00",
        "каждое воскресенье в 18:00, кроме 31 марта 2024\u202fг., "
        "а также 4 августа 2024\u202fг. в 12:00",
    ),
    (
        series(None, start=local(2024, 3, 14), rdates=(local(2024, 9, 12),)),
        "on 14 March 2024 and 12 September 2024 at 18:00",
        "14. märtsil 2024 ja 12. septembril 2024 kell 18:00",
        "14 марта 2024\u202fг. и 12 сентября 2024\u202fг. в 18:00",
    ),
    (
        series(None, start=local(2024, 3, 14), rdates=(local(2024, 9, 12, 10),)),
        "on 14 March 2024 at 18:00 and 12 September 2024 at 10:00",
        "14. märtsil 2024 kell 18:00 ja 12. septembril 2024 kell 10:00",
        "14 марта 2024\u202fг. в 18:00 и 12 сентября 2024\u202fг. в 10:00",
    ),
    (
        series("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        "on Mondays, Tuesdays, Wednesdays, Thursdays and Fridays of every month at 18:00 "
        "(BYSETPOS=-1)",
        "iga kuu esmaspäeviti, teisipäeviti, kolmapäeviti, neljapäeviti ja reedeti kell 18:00 "
        "(BYSETPOS=-1)",
        "по понедельникам, вторникам, средам, четвергам и пятницам каждого месяца в 18:00 "
        "(BYSETPOS=-1)",
    ),
]


@pytest.mark.parametrize(("spec", "english", "estonian", "russian"), CASES)
def test_description_in_each_language(spec, english, estonian, russian):
    assert describe(spec, "en") == english
    assert describe(spec, "et") == estonian
    assert describe(spec, "ru") == russian


def test_skipped_holidays_join_the_exceptions_in_russian():
    spec = series(QUARTER_3_OFF, holidays="skip")
    assert describe(spec, "ru") == (
        "каждый вторник в 18:00, кроме июля–сентября и государственных праздников"
    )
    assert describe(spec, "en") == (
        "every Tuesday at 18:00, except July–September, skipping public holidays"
    )


def test_until_in_utc_is_shown_as_the_local_date():
    spec = series("FREQ=WEEKLY;BYDAY=TU;UNTIL=20241231T220000Z")  # 1 January 00:00 in Tallinn
    assert describe(spec, "en") == "every Tuesday at 18:00, until 1 January 2025"


def test_parts_not_put_into_words_are_shown_as_written():
    spec = series("FREQ=HOURLY;INTERVAL=2;BYDAY=MO,TU;BYHOUR=9,11")
    assert describe(spec, "en") == "every 2 hours (BYDAY=MO,TU; BYHOUR=9,11)"
    assert describe(spec, "ru") == "раз в 2 часа (BYDAY=MO,TU; BYHOUR=9,11)"


def test_weekly_rule_without_byday_names_the_start_weekday():
    assert describe(series("FREQ=WEEKLY", start=local(2024, 1, 5))) == "every Friday at 18:00"


def test_time_is_the_local_wall_clock_time():
    spec = series("FREQ=WEEKLY", start=datetime(2024, 7, 2, 15, tzinfo=UTC))
    assert describe(spec, "et") == "iga teisipäev kell 18:00"


@pytest.mark.parametrize("locale", ["de", "", "xx_YY"])
def test_unknown_locale_falls_back_to_english(locale):
    assert describe(series(QUARTER_3_OFF), locale) == describe(series(QUARTER_3_OFF), "en")


@pytest.mark.parametrize(("locale", "expected"), [("ru_RU", "ru"), ("et-EE", "et"), ("EN", "en")])
def test_locale_with_region_uses_its_language(locale, expected):
    assert describe(series(QUARTER_3_OFF), locale) == describe(series(QUARTER_3_OFF), expected)


def test_invalid_series_is_refused():
    with pytest.raises(RuleError, match="unknown frequency 'WEEKLI'"):
        describe(series("FREQ=WEEKLI"))
