"""Structured logs: one line per request and per job run; secrets in URL paths masked.

Plain text by default; with ``LOG_FORMAT=json`` the handlers this app owns write one JSON
object per line (time, level, logger, message and the record's ``fields``).

Private feed tokens and follow-up/opt-out tokens travel in URL paths. Every route whose
rule has a ``token`` (or ``*_token``) variable, read from ``app.url_map`` so that new routes
are covered, has that path segment replaced by ``***`` in every log line that passes
through the loggers and handlers below: our request lines, Werkzeug's development-server
access log, gunicorn's loggers and Flask's error log (``Exception on /feeds/***/all.ics``).
"""

from __future__ import annotations

import json
import logging
import re
import time
import weakref
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from werkzeug.routing import Map

MASK = "***"
REQUEST_LOGGER = "scheduler.requests"
JOB_LOGGER = "scheduler.jobs"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers whose own records are masked before any handler (caplog too) sees them.
MASKED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", REQUEST_LOGGER, JOB_LOGGER)
_SECRET_NAME = re.compile(r"(?:^|_)token$")
_NOT_SECRET_CONVERTERS = {"int", "float", "uuid"}
_PLACEHOLDER = re.compile(
    r"<(?:(?P<converter>[A-Za-z_]\w*)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>[A-Za-z_]\w*)>"
)
_SEGMENT = r"[^/?#\s\"'<>]+"
USER_ID_KEY = "scheduler.user_id"


def is_secret_variable(converter: str | None, name: str) -> bool:
    is_token = bool(_SECRET_NAME.search(name))
    return is_token and (converter or "default") not in _NOT_SECRET_CONVERTERS


def _rule_pattern(rule: str, index: int) -> str | None:
    """A regex for one rule string with its secret variables in groups s<index>_<n>."""
    parts, position, secrets = [], 0, 0
    for found in _PLACEHOLDER.finditer(rule):
        parts.append(re.escape(rule[position : found.start()]))
        converter, name = found.group("converter"), found.group("name")
        if is_secret_variable(converter, name):
            parts.append(f"(?P<s{index}_{secrets}>{_SEGMENT})")
            secrets += 1
        elif converter == "path":
            parts.append(r"[^?#\s\"'<>]+?")
        else:
            parts.append(_SEGMENT + "?")
        position = found.end()
    parts.append(re.escape(rule[position:]))
    return "".join(parts) if secrets else None


class PathMasker:
    """Replaces the secret segments of the app's token routes inside any text."""

    def __init__(self) -> None:
        self._url_map: weakref.ref[Map] | None = None
        self._compiled_for: tuple[int, int] | None = None
        self._pattern: re.Pattern | None = None

    def watch(self, url_map: Map) -> None:
        self._url_map = weakref.ref(url_map)

    def pattern(self) -> re.Pattern | None:
        url_map = self._url_map() if self._url_map else None
        if url_map is None:
            return self._pattern
        rules = getattr(url_map, "_rules", None)
        key = (id(url_map), len(rules) if rules is not None else -1)
        if key != self._compiled_for:
            alternatives = [
                p
                for i, rule in enumerate(sorted({r.rule for r in url_map.iter_rules()}))
                if (p := _rule_pattern(rule, i)) is not None
            ]
            # longest first, so that a rule with more literal text wins over a shorter one
            alternatives.sort(key=len, reverse=True)
            self._pattern = re.compile("|".join(alternatives)) if alternatives else None
            self._compiled_for = key
        return self._pattern

    def mask(self, text: str) -> str:
        text = _mask_current_request(text)
        pattern = self.pattern()
        if pattern is None or "/" not in text:
            return text
        return pattern.sub(_masked_match, text)


def _masked_match(found: re.Match) -> str:
    """The matched path with each secret group replaced (right to left: spans stay valid)."""
    text, start = found.group(0), found.start()
    spans = sorted(
        (found.span(n) for n, v in found.groupdict().items() if v is not None and n[0] == "s"),
        reverse=True,
    )
    for begin, end in spans:
        text = text[: begin - start] + MASK + text[end - start :]
    return text


def _mask_current_request(text: str) -> str:
    """Inside a request for a token route, its token is masked wherever it appears."""
    if not has_request_context() or request.url_rule is None or not request.view_args:
        return text
    for name, value in request.view_args.items():
        if isinstance(value, str) and len(value) >= 8 and _SECRET_NAME.search(name):
            text = text.replace(value, MASK)
    return text


MASKER = PathMasker()


class MaskSecretsFilter(logging.Filter):
    """Masks token path segments in a record's message and traceback, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report
            return True
        masked = MASKER.mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = MASKER.mask(record.exc_text)
        return True


MASK_FILTER = MaskSecretsFilter()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """CR, LF and other control characters as visible escapes (``\\r``, ``\\n``, ``\\x1b``), so
    that a value from a request (a path with ``%0d%0a``) cannot start a forged log line."""
    return _CONTROL.sub(lambda found: found.group(0).encode("unicode_escape").decode(), text)


class TextFormatter(logging.Formatter):
    """The plain-text line; its message is one line whatever it quotes (tracebacks follow)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def own_handlers() -> list[logging.Handler]:
    """The root handlers set up by ``logging.basicConfig`` (not pytest's or a host's)."""
    return [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]


def configure_logging(app: Flask) -> None:
    """Formats (text or JSON) and the secret masking; safe to call for every app."""
    MASKER.watch(app.url_map)
    json_lines = str(app.config["LOG_FORMAT"]).lower() == "json"
    for handler in own_handlers():
        handler.setFormatter(JsonFormatter() if json_lines else TextFormatter(TEXT_FORMAT))
    loggers = [logging.getLogger(name) for name in MASKED_LOGGERS] + [app.logger]
    for logger in loggers:  # logging.config.fileConfig (Alembic's env.py) may have disabled them
        logger.disabled = False
    for target in loggers + own_handlers():
        if MASK_FILTER not in target.filters:
            target.addFilter(MASK_FILTER)
    for name in (REQUEST_LOGGER, JOB_LOGGER):
        logging.getLogger(name).setLevel(logging.INFO)


def log_fields(logger: logging.Logger, message: str, fields: dict, level=logging.INFO) -> None:
    """One line: ``message`` in text, ``fields`` merged into the object in JSON."""
    logger.log(level, message, extra={"fields": fields})


class RequestLog:
    """WSGI middleware: one line per request, once the app has answered.

    It wraps the whole app (feeds answered from memory before Flask included), so it reads
    the status from ``start_response`` and the user from the environ (set by the app)."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen: list[str] = []

        def _start_response(status, headers, exc_info=None):
            seen.append(status)
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, _start_response)
        except BaseException:
            self._log(environ, "500", started)
            raise
        # Flask has built the body and called start_response by now (streamed bodies aside)
        self._log(environ, seen[-1] if seen else "-", started)
        return body

    def _log(self, environ, status: str, started: float) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        method = environ.get("REQUEST_METHOD", "-")
        path = MASKER.mask(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        code = status.split(" ", 1)[0]
        user_id = environ.get(USER_ID_KEY)
        fields = {
            "event": "request",
            "method": method,
            "path": path,
            "status": int(code) if code.isdigit() else None,
            "duration_ms": duration_ms,
            "user_id": user_id,
        }
        user = f" user={user_id}" if user_id is not None else ""
        line = f"{escape_controls(method)} {escape_controls(path)} {code} {duration_ms}ms{user}"
        log_fields(self.logger, line, fields)


def remember_user_id(response):
    """after_request: the signed-in user's id for the request line, if this request loaded one
    (reading it never touches the session, so feeds stay cookie-free)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        request.environ[USER_ID_KEY] = str(user.id)
    return response
