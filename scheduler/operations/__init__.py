"""Operations: ``/healthz``, structured logs with secrets masked, ``flask db backup``, and the
start-up refusal of settings that cannot work (``checks.py``)."""

from __future__ import annotations


def init_app(app) -> None:
    from .logs import configure_logging, remember_user_id

    configure_logging(app)
    app.after_request(remember_user_id)


def finish_app(app) -> None:
    """Run by ``create_app`` after every feature: the request log wraps the whole WSGI app
    (feeds answered before Flask included), then settings that cannot work are refused."""
    from .checks import refuse_unworkable_settings
    from .logs import RequestLog

    app.wsgi_app = RequestLog(app.wsgi_app)
    refuse_unworkable_settings(app)
