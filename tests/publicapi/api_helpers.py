"""Reading the open API as a client would: every answer checked against /api/openapi.json."""

from __future__ import annotations

from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:elvl:openapi"
YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}


class OpenApi:
    """The served OpenAPI document and a real JSON Schema 2020-12 validator over it."""

    def __init__(self, document: dict):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOCUMENT_URI, resource)

    def operation(self, template: str) -> dict:
        return self.document["paths"][template]["get"]

    def check(self, template: str, response) -> None:
        """The status is documented for the path, and a JSON body matches its schema."""
        answers = self.operation(template)["responses"]
        status = str(response.status_code)
        assert status in answers, f"{template} answered {status}, which is not documented"
        content = answers[status].get("content")
        if content is None:
            assert response.status_code == 304 or not response.is_json
            return
        assert response.mimetype in content, (template, status, response.mimetype)
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", template, "get", "responses", status, "content")
        )
        mimetype = response.mimetype.replace("/", "~1")
        schema = {"$ref": f"{DOCUMENT_URI}#/{pointer}/{mimetype}/schema"}
        validator = Draft202012Validator(
            schema, registry=self.registry, format_checker=FormatChecker()
        )
        errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: e.path)
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def local_path(url: str) -> str:
    """A link the API gave (absolute, from BASE_URL) as the test client wants it."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def get_events(client, openapi: OpenApi, **params):
    response = client.get("/api/events", query_string=params)
    openapi.check("/api/events", response)
    return response


def all_pages(client, openapi: OpenApi, **params) -> tuple[list[dict], int]:
    """Every item of a listing, following ``next`` to the end; and how many pages it took."""
    response = get_events(client, openapi, **params)
    assert response.status_code == 200, response.get_json()
    items, pages = [], 1
    while True:
        body = response.get_json()
        items.extend(body["items"])
        if body["next"] is None:
            return items, pages
        response = client.get(local_path(body["next"]))
        openapi.check("/api/events", response)
        assert response.status_code == 200, response.get_json()
        pages += 1
