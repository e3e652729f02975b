"""``GET /healthz`` (the web node) and ``GET /healthz/jobs`` (the job clock) for load
balancers and monitors: no sign-in, no session, two small queries, an answer within
HEALTHZ_TIMEOUT_SECONDS whatever the database does."""

from __future__ import annotations

from flask import current_app, jsonify

from .health import timely_health


def healthz():
    """Liveness and readiness of this web node: database reachable, migrations at head."""
    health = timely_health(current_app._get_current_object())
    return _answer(health.as_json(), health.ok)


def healthz_jobs():
    """Whether the job clock (``flask worker`` or the embedded one) ticks."""
    health = timely_health(current_app._get_current_object())
    return _answer(health.jobs_json(), health.jobs_ok)


def _answer(body: dict, ok: bool):
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    if not ok:
        response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER_SECONDS"])
    return response
