"""The translations worklist reads the upcoming public events of tests/support/upcoming.py."""

from tests.support.upcoming import upcoming  # noqa: F401 (a fixture)
