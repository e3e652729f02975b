"""The widget's fixtures."""

from tests.support.upcoming import upcoming  # noqa: F401 (a fixture)
