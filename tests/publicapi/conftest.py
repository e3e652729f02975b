"""Fixtures of the open API tests (helpers live in api_helpers.py)."""

from __future__ import annotations

import pytest
from api_helpers import OpenApi


@pytest.fixture
def plan_2024(runner):
    result = runner.invoke(args=["plan", "load"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def openapi(client) -> OpenApi:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return OpenApi(response.get_json())
