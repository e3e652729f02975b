"""``GET /healthz`` for load balancers: no sign-in, no session, two small queries."""

from __future__ import annotations

from flask import current_app, jsonify

from .health import check_health


def healthz():
    health = check_health(current_app)
    response = jsonify(health.as_json())
    response.status_code = 200 if health.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
