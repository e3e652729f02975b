"""schemathesis against /api/openapi.json, in process over WSGI (no server, no network):
positive and negative data for every documented operation, every check.

One allowance, stated in the document: a schema-valid request to ``/api/events`` may still
be a 400 when the arguments cannot be used together or name what does not exist (``to``
before ``from``, a window over five years or beyond 2000-2100, an unknown organisation, a
cursor not issued here, more than ten words) — constraints a JSON Schema cannot state.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from test_api_agrees_with_document import calendar  # noqa: F401 (a fixture)

OPERATIONS = ("/api/events", "/api/events/{id}", "/api/indicators")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_schemathesis_finds_nothing(app, calendar, path, mode):  # noqa: F811
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path]["GET"]
    cross_parameter = path == "/api/events" and mode is GenerationMode.POSITIVE
    excluded = [positive_data_acceptance] if cross_parameter else []

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call_and_validate(excluded_checks=excluded)
        if cross_parameter:
            assert response.status_code in (200, 400), (case.query, response.status_code)

    run()
