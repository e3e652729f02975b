"""The OpenAPI 3.1 document of the open API (``/api/openapi.json``).

Schemas are JSON Schema 2020-12, as OpenAPI 3.1 has it; the tests validate every answer of
the endpoints described here against them.
"""

from __future__ import annotations

from ..core.localized import content_languages, flat_name
from ..core.vocabulary import EVENT_TYPES

STATUSES = ("planned", "held", "not_held", "cancelled")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


def _parameter(name: str, description: str, schema: dict, where: str = "query") -> dict:
    parameter = {"name": name, "in": where, "description": description, "schema": schema}
    if where == "path":
        parameter["required"] = True
    return parameter


_ETAG = {
    "ETag": {
        "description": "Strong validator; send it as If-None-Match.",
        "schema": {"type": "string"},
    }
}
_NOT_MODIFIED = {
    "description": "Not modified since the ETag sent in If-None-Match.",
    "headers": _ETAG,
}
_UNAVAILABLE = {
    **_error(
        "The database does not answer just now; try again after Retry-After seconds. (An "
        "answer this server already gave for the same address may be served instead, with "
        '`Warning: 110 - "Response is Stale"`.)'
    ),
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
}


def _hl(languages: tuple[str, ...]) -> dict:
    return _parameter(
        "hl",
        "Page language of `title` and messages; default: the best match of Accept-Language.",
        {"type": "string", "enum": list(languages)},
    )


NUMBER_OR_NULL = {"type": ["number", "null"]}
BOOLEAN_OR_NULL = {"type": ["boolean", "null"]}


def _other_names(languages: tuple[str, ...]) -> dict:
    """``name_en``, ``name_ru``, …: a name in each language other than the official one."""
    return {flat_name("name", code): {"type": ["string", "null"]} for code in languages[1:]}


def _schemas(languages: tuple[str, ...]) -> dict:
    """The schemas, for the configured languages."""
    return {
        "Event": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "id",
                "uid",
                "title",
                "titles",
                "start",
                "end",
                "status",
                "cancel_reason",
                "previous_start",
                "org",
                "type",
                "languages",
                "location",
                "url",
                "ics",
                "registration",
            ],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "uid": {"type": "string", "description": "iCalendar UID, stable across moves"},
                "title": {"type": "string", "description": "In `hl`, else English, else Estonian"},
                "titles": {
                    "type": "object",
                    "description": "The title per language, as available",
                    "propertyNames": {"enum": list(languages)},
                    "additionalProperties": {"type": "string"},
                    "minProperties": 1,
                },
                "start": {
                    "type": "string",
                    "format": "date-time",
                    "description": "ISO 8601 with the local offset",
                },
                "end": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": list(STATUSES)},
                "cancel_reason": {
                    "type": ["string", "null"],
                    "description": "Why it was cancelled, in `hl`, else English, else Estonian",
                },
                "previous_start": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "The start it was planned for before it was moved",
                },
                "org": {"type": "string", "description": "Organisation slug"},
                "type": {"type": "string", "enum": list(EVENT_TYPES)},
                "languages": {
                    "type": "array",
                    "description": "Working languages of the event",
                    "items": {"type": "string"},
                },
                "location": {"type": ["string", "null"]},
                "url": {"type": "string", "format": "uri", "description": "Public event page"},
                "ics": {
                    "type": "string",
                    "format": "uri",
                    "description": "This event as an iCalendar file",
                },
                "registration": _ref("Registration"),
            },
        },
        "Registration": {
            "type": "object",
            "additionalProperties": False,
            "required": ["state", "places_left", "url"],
            "properties": {
                "state": {
                    "type": "string",
                    "enum": ["open", "waitlist", "full", "closed"],
                    "description": "closed also for an event that takes no registrations",
                },
                "places_left": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "description": "null when there is no limit or registration is closed",
                },
                "url": {"type": "string", "format": "uri", "description": "The registration form"},
            },
        },
        "EventPage": {
            "type": "object",
            "additionalProperties": False,
            "required": ["items", "next"],
            "properties": {
                "items": {"type": "array", "items": _ref("Event")},
                "next": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The next page (same filters, a cursor), null on the last page",
                },
            },
        },
        "Error": {
            "type": "object",
            "additionalProperties": False,
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "integer", "enum": [400, 404, 503]},
                "message": {"type": "string", "minLength": 1},
            },
        },
        "Indicator": {
            "type": "object",
            "required": [
                "code",
                "table",
                "name",
                "name_en",
                "unit",
                "scope",
                "counting",
                "year",
                "target_year",
                "target_2029",
                "final_year",
                "actual",
                "planned",
                "projected",
                "cumulative",
                "cumulative_projected",
                "progress",
                "on_track",
                "progress_2029",
                "on_track_2029",
                "counted_events",
                "planned_events",
                "awaiting_outcome",
                "by_org",
                "by_year",
                "submitted",
                "changed_since_submission",
            ],
            "properties": {
                "code": {"type": "string"},
                "table": {"type": ["string", "null"]},
                "name": {"type": "string"},
                **_other_names(languages),
                "unit": {"type": ["string", "null"]},
                "scope": {"type": "string"},
                "counting": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string"},
                        "types": {"type": "array", "items": {"type": "string"}},
                        "orgs": {"type": "array", "items": {"type": "string"}},
                        "org_kinds": {"type": "array", "items": {"type": "string"}},
                        "accumulate": {"type": ["string", "boolean", "null"]},
                        "expected_per_event": NUMBER_OR_NULL,
                    },
                },
                "year": {"type": "integer"},
                "target_year": NUMBER_OR_NULL,
                "target_2029": NUMBER_OR_NULL,
                "final_year": {"type": "integer"},
                "actual": NUMBER_OR_NULL,
                "planned": NUMBER_OR_NULL,
                "projected": NUMBER_OR_NULL,
                "cumulative": NUMBER_OR_NULL,
                "cumulative_projected": NUMBER_OR_NULL,
                "progress": NUMBER_OR_NULL,
                "on_track": BOOLEAN_OR_NULL,
                "progress_2029": NUMBER_OR_NULL,
                "on_track_2029": BOOLEAN_OR_NULL,
                "counted_events": {"type": "integer"},
                "planned_events": {"type": "integer"},
                "awaiting_outcome": {"type": "integer"},
                "by_org": {
                    "type": "object",
                    "description": "Figures per organisation slug",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["name", "actual", "planned"],
                        "properties": {
                            "name": {"type": "string"},
                            **_other_names(languages),
                            "actual": NUMBER_OR_NULL,
                            "planned": NUMBER_OR_NULL,
                        },
                    },
                },
                "by_year": {"type": "array", "items": {"type": "object"}},
                "manual": {"type": ["object", "null"]},
                "submitted": {"type": ["object", "null"]},
                "changed_since_submission": {"type": ["object", "null"]},
            },
        },
    }


def _comma_list(item: str) -> dict:
    """A comma-separated list of items, spaces around each allowed, none empty."""
    return {"type": "string", "pattern": f"^ *{item} *(, *{item} *)*$"}


def _one_of(values) -> str:
    return "(" + "|".join(values) + ")"


CURSOR_PROMISE = (
    "Paging is a keyset on (start instant, id), never an offset: each page starts right "
    "after the last item of the page before. An event whose start does not change while "
    "the pages are read is listed exactly once, in order, whatever else is added, moved or "
    "cancelled meanwhile. An event moved while the pages are read is listed where it is when "
    "the page covering that place is read: an event moved from a page already read to a "
    "later one is listed twice, one moved from a page not yet read to an earlier one is not "
    "listed, and an added event appears only if it starts after the cursor. To see one "
    "consistent list, start again from the first page."
)


def document(
    base_url: str, *, default_limit: int = 50, max_limit: int = 200, first_year: int = 2023
) -> dict:
    """The document; ``default_limit``, ``max_limit`` and ``first_year`` as configured
    (API_EVENTS_LIMIT, API_EVENTS_MAX_LIMIT, INDICATORS_FIRST_YEAR)."""
    languages = content_languages()
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "ELVL events API",
            "version": "1.0.0",
            "description": (
                "Public events of ELVL's newcomer-integration programme and its indicators. "
                "Open to all (Access-Control-Allow-Origin: *), no key, no cookies."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/api/events": {
                "get": {
                    "operationId": "listEvents",
                    "summary": "Public events starting in a window of local dates",
                    "description": (
                        "A value the parameter schemas forbid (an empty `org`, `type`, `lang`, "
                        "`from`, `to`, `limit` or `hl`, an empty list item) is a 400. "
                        + CURSOR_PROMISE
                    ),
                    "parameters": [
                        _parameter(
                            "from",
                            "First local date (inclusive); default today.",
                            {"type": "string", "format": "date"},
                        ),
                        _parameter(
                            "to",
                            "Last local date (exclusive); default `from` + 8 weeks; "
                            "at most five years after `from`.",
                            {"type": "string", "format": "date"},
                        ),
                        _parameter(
                            "org",
                            "Organisation slugs, comma-separated (no empty value or item). "
                            "Also read as `city`, the public site's name for it.",
                            _comma_list("[^, ]+"),
                        ),
                        _parameter(
                            "type",
                            "Event types, comma-separated (no empty value or item).",
                            _comma_list(_one_of(EVENT_TYPES)),
                        ),
                        _parameter(
                            "lang",
                            "Working languages of the event (any of), comma-separated (no "
                            "empty value or item). Also read as `language`, its name on every "
                            "other surface, or `held_in`; give only one of them.",
                            _comma_list(_one_of(languages)),
                        ),
                        _parameter(
                            "q",
                            "Words that must all appear in the title, description or place "
                            "(case-insensitive).",
                            {"type": "string", "maxLength": 200},
                        ),
                        _parameter(
                            "limit",
                            "Page size.",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": max_limit,
                                "default": default_limit,
                            },
                        ),
                        _parameter(
                            "cursor",
                            "Opaque position from a `next` link. " + CURSOR_PROMISE,
                            {"type": "string"},
                        ),
                        _hl(languages),
                    ],
                    "responses": {
                        "200": _json(
                            _ref("EventPage"), "A page of events in (start, id) order.", _ETAG
                        ),
                        "304": _NOT_MODIFIED,
                        "400": _error(
                            "An argument that cannot be used; the message says why: a value "
                            "the parameter schemas forbid, or schema-valid arguments that "
                            "cannot be used together or name what does not exist (`to` not "
                            "after `from`, a window over five years or outside 2000-01-01 … "
                            "2100-12-31, an unknown organisation, a cursor not issued here, "
                            "more than ten words in `q` or fifty values in a list)."
                        ),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/events/{id}": {
                "get": {
                    "operationId": "getEvent",
                    "summary": "One public event",
                    "parameters": [
                        _parameter("id", "Event id", {"type": "integer", "minimum": 1}, "path"),
                        _hl(languages),
                    ],
                    "responses": {
                        "200": _json(_ref("Event"), "The event.", _ETAG),
                        "304": _NOT_MODIFIED,
                        "400": _error("An argument that cannot be used."),
                        "404": _error("No public event has this id."),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/indicators": {
                "get": {
                    "operationId": "listIndicators",
                    "summary": "The plan's indicators for a year: targets, figures, progress",
                    "parameters": [
                        _parameter(
                            "year",
                            f"Year ({first_year}, the programme's first year, to 2100); "
                            "default the current one.",
                            {"type": "integer", "minimum": first_year, "maximum": 2100},
                        ),
                    ],
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": _ref("Indicator")},
                            "One object per indicator.",
                        ),
                        "400": _error("A year that cannot be used; the message says why."),
                        "503": _UNAVAILABLE,
                    },
                }
            },
        },
        "components": {"schemas": _schemas(languages)},
    }
