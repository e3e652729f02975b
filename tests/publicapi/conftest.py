"""Fixtures of the open API tests (helpers live in api_helpers.py).

The ``client`` here checks every answer of a documented endpoint against the served
OpenAPI document, whatever the test itself asserts.
"""

from __future__ import annotations

import re

import pytest
from api_helpers import OpenApi
from flask.testing import FlaskClient

DOCUMENTED = (
    (re.compile(r"^/api/events$"), "/api/events"),
    (re.compile(r"^/api/events/[^/]+$"), "/api/events/{id}"),
    (re.compile(r"^/api/indicators$"), "/api/indicators"),
)


class CheckedClient(FlaskClient):
    """A test client that validates each GET answer of /api/events, /api/events/{id} and
    /api/indicators against /api/openapi.json."""

    _openapi: OpenApi | None = None

    def document(self) -> OpenApi:
        if self._openapi is None:
            response = super().open("/api/openapi.json")
            assert response.status_code == 200
            self._openapi = OpenApi(response.get_json())
        return self._openapi

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        if request.method in ("GET", "HEAD"):
            for pattern, template in DOCUMENTED:
                if pattern.match(request.path):
                    if request.method == "GET":
                        self.document().check(template, response)
                    break
        return response


@pytest.fixture
def client(app):
    app.test_client_class = CheckedClient
    return app.test_client()


@pytest.fixture
def openapi(client) -> OpenApi:
    return client.document()
