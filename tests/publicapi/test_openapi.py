"""/api/openapi.json: a valid OpenAPI 3.1 document that the answers really follow."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_document_is_openapi_3_1_with_valid_schemas_and_references(client, openapi):
    response = client.get("/api/openapi.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = openapi.document
    assert document["openapi"].startswith("3.1.")
    assert set(document["paths"]) == {"/api/events", "/api/events/{id}", "/api/indicators"}
    assert document["servers"] == [{"url": "http://127.0.0.1:5000"}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    resolver = openapi.registry.resolver()
    for ref in set(_refs(document)):
        try:
            resolver.lookup(f"urn:elvl:openapi{ref}")
        except Unresolvable as error:  # pragma: no cover - the assertion says which
            raise AssertionError(f"{ref} does not resolve") from error
    for path, item in document["paths"].items():
        parameters = item["get"]["parameters"]
        for parameter in parameters:
            Draft202012Validator.check_schema(parameter["schema"])
        if "{id}" in path:
            assert any(p["in"] == "path" and p["required"] for p in parameters)


def test_the_indicators_answer_follows_the_document(client, plan_2024, openapi):
    for year in (2024, 2023, 2029):
        response = client.get("/api/indicators", query_string={"year": year})
        assert response.status_code == 200
        openapi.check("/api/indicators", response)
        assert len(response.get_json()) == 7


def test_the_validator_catches_an_answer_that_breaks_the_document(client, plan_2024, openapi):
    good = client.get("/api/events", query_string={"from": "2024-01-01", "limit": 1})
    openapi.check("/api/events", good)
    good.set_data(good.get_data().replace(b'"status":"', b'"status":"x'))
    with pytest.raises(AssertionError, match="status"):
        openapi.check("/api/events", good)


def test_every_answer_the_tests_receive_is_checked_against_the_document(client, openapi):
    """The suite's client validates on its own: a broken answer fails any test."""
    broken = dict(openapi.document)
    broken["components"] = {
        "schemas": {**openapi.document["components"]["schemas"], "Error": {"type": "string"}}
    }
    client._openapi = type(openapi)(broken)
    with pytest.raises(AssertionError):
        client.get("/api/events", query_string={"limit": "0"})
