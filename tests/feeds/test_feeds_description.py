"""A feed event's description says the working languages by name, in the feed's language."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from scheduler.feeds.service import series_description
from tests.factories import make_series


@pytest.mark.parametrize(
    ("locale", "line"),
    [
        ("et", "Keeled: eesti, vene"),
        ("en", "Languages: Estonian, Russian"),
        ("ru", "Языки: эстонский, русский"),
    ],
)
def test_the_working_languages_are_named_not_coded(app, locale, line):
    series = make_series("club", rule=None, start=date(2024, 5, 7), languages=["et", "ru"])
    with force_locale(locale):
        lines = series_description(series, locale).splitlines()
    assert line in lines
