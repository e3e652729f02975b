"""Configuration from the environment.

Every setting has a default that runs the embedded setup: an SQLite file under
``instance/``, Europe/Tallinn, mail captured to ``instance/mail`` when no SMTP
server is configured. Flask-Mail's own variable names are used for mail.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("SCHEDULER_INSTANCE", ROOT / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    # Unset: generated on first start and kept in <instance>/secret_key (scheduler/security).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'scheduler.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    TIMEZONE = os.environ.get("SCHEDULER_TIMEZONE", "Europe/Tallinn")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    UID_DOMAIN = os.environ.get("UID_DOMAIN", "elvl-scheduler.ee")
    # How far ahead series are materialised as event rows.
    HORIZON_MONTHS = _int("SCHEDULER_HORIZON_MONTHS", 24)

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "et")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("et", "en", "ru")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "scheduler@elvl.ee")
    # With no MAIL_SERVER, messages are written here as .eml files instead of sent.
    MAIL_CAPTURE_DIR = os.environ.get("MAIL_CAPTURE_DIR", str(INSTANCE / "mail"))

    # Run APScheduler inside the web process (embedded default); production runs `flask worker`.
    SCHEDULER_EMBEDDED = _bool("SCHEDULER_EMBEDDED", False)

    WTF_CSRF_ENABLED = _bool("WTF_CSRF_ENABLED", True)

    # Plan files (`flask plan load/validate`): larger files, and YAML whose aliases expand
    # beyond this many nodes, are refused.
    PLAN_MAX_BYTES = _int("PLAN_MAX_BYTES", 2_000_000)
    PLAN_MAX_NODES = _int("PLAN_MAX_NODES", 200_000)

    # Sign-in cookies; *_SECURE None means "Secure exactly when BASE_URL is https".
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = None
    # After this many failed sign-ins for one account or one address within the window,
    # sign-ins from there answer 429 until the window has passed.
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 10)
    LOGIN_WINDOW_MINUTES = _int("LOGIN_WINDOW_MINUTES", 15)
    # Links sent by mail (accounts/links.py): an invitation, a password reset, and the link
    # `make run` prints to create the first admin. Each works once.
    INVITATION_MAX_AGE_DAYS = _int("INVITATION_MAX_AGE_DAYS", 7)
    PASSWORD_RESET_MAX_AGE_MINUTES = _int("PASSWORD_RESET_MAX_AGE_MINUTES", 60)
    FIRST_ADMIN_LINK_MAX_AGE_DAYS = _int("FIRST_ADMIN_LINK_MAX_AGE_DAYS", 7)

    # Reminders (docs/reminders.md); Series.reminder_policy may override the first four per series.
    REMINDER_OFFSETS_DAYS = tuple(
        int(d) for d in os.environ.get("REMINDER_OFFSETS_DAYS", "7,1").split(",") if d.strip()
    )
    REMINDER_HOUR = _int("REMINDER_HOUR", 9)  # local time of the series
    FOLLOWUP_AFTER_HOURS = float(os.environ.get("FOLLOWUP_AFTER_HOURS", "2"))
    FOLLOWUP_ENABLED = _bool("FOLLOWUP_ENABLED", True)
    FOLLOWUP_MAX_DELAY_DAYS = _int("FOLLOWUP_MAX_DELAY_DAYS", 14)  # later than this: not sent
    FOLLOWUP_LINK_MAX_AGE_DAYS = _int("FOLLOWUP_LINK_MAX_AGE_DAYS", 60)
    DISPATCH_BATCH_SIZE = _int("DISPATCH_BATCH_SIZE", 50)
    DISPATCH_LEASE_SECONDS = _int("DISPATCH_LEASE_SECONDS", 300)
    DISPATCH_MAX_ATTEMPTS = _int("DISPATCH_MAX_ATTEMPTS", 8)
    DISPATCH_BACKOFF_SECONDS = _int("DISPATCH_BACKOFF_SECONDS", 60)  # doubled per attempt
    DISPATCH_BACKOFF_MAX_SECONDS = _int("DISPATCH_BACKOFF_MAX_SECONDS", 3600)
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 30)
    # The embedded clock takes this lock so that only one web process runs the jobs.
    SCHEDULER_LOCK_FILE = os.environ.get("SCHEDULER_LOCK_FILE", str(INSTANCE / "scheduler.lock"))
    # On PostgreSQL an advisory lock with this key; one key per installation sharing a server.
    SCHEDULER_LOCK_KEY = _int("SCHEDULER_LOCK_KEY", 0x454C564C)

    # Operations (docs/operations.md). Log lines as plain text or JSON objects ("json").
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # /healthz fails when the clock's last tick is older than this; 0: reported, never fails
    # (set it where a `flask worker` or the embedded clock is expected to run).
    HEALTHZ_MAX_TICK_AGE_SECONDS = _int("HEALTHZ_MAX_TICK_AGE_SECONDS", 0)
    # Web processes serving this installation; 0: read WEB_CONCURRENCY or gunicorn's -w.
    WEB_WORKERS = _int("WEB_WORKERS", 0)

    # Imported calendars (docs/feeds.md).
    CALENDARS_MAX_BYTES = _int("CALENDARS_MAX_BYTES", 5 * 1024 * 1024)  # larger: refused
    CALENDARS_TIMEOUT = float(os.environ.get("CALENDARS_TIMEOUT", "10"))  # the whole download
    CALENDARS_DAYS_BACK = _int("CALENDARS_DAYS_BACK", 400)  # occurrences start this far back
    CALENDARS_REFRESH_MINUTES = _int("CALENDARS_REFRESH_MINUTES", 360)
    # Reading a downloaded calendar (parsing and expanding its rules) within this budget.
    CALENDARS_IMPORT_DEADLINE_SECONDS = float(
        os.environ.get("CALENDARS_IMPORT_DEADLINE_SECONDS", "2")
    )
    CALENDARS_MAX_OCCURRENCES = _int("CALENDARS_MAX_OCCURRENCES", 5000)  # per calendar
    # Server-side fetches reach only public addresses on these ports unless allowed here.
    CALENDARS_ALLOW_PRIVATE_HOSTS = _bool("CALENDARS_ALLOW_PRIVATE_HOSTS", False)
    CALENDARS_ALLOWED_PORTS = tuple(
        int(p) for p in os.environ.get("CALENDARS_ALLOWED_PORTS", "80,443").split(",") if p.strip()
    )
    # Networks allowed besides the public internet, e.g. "10.20.0.0/16,fd00:1::/64".
    CALENDARS_ALLOWED_NETWORKS = tuple(
        n.strip() for n in os.environ.get("CALENDARS_ALLOWED_NETWORKS", "").split(",") if n.strip()
    )
    # The plan loader's budget for expanding all of a plan's series.
    PLAN_EXPAND_DEADLINE_SECONDS = float(os.environ.get("PLAN_EXPAND_DEADLINE_SECONDS", "30"))

    # Open events API (scheduler/publicapi, /api/events): page size, its maximum, the default
    # window (today + N weeks) and Cache-Control max-age of API answers.
    API_EVENTS_LIMIT = _int("API_EVENTS_LIMIT", 50)
    API_EVENTS_MAX_LIMIT = _int("API_EVENTS_MAX_LIMIT", 200)
    API_EVENTS_WEEKS = _int("API_EVENTS_WEEKS", 8)
    API_MAX_AGE = _int("API_MAX_AGE", 300)
    # The widget for other sites (scheduler/embed): /embed.js's Cache-Control max-age (its
    # address never changes, so an ETag revalidates it after that) and the events shown
    # when the embedding page names no limit.
    EMBED_SCRIPT_MAX_AGE = _int("EMBED_SCRIPT_MAX_AGE", 86400)
    EMBED_EVENTS_LIMIT = _int("EMBED_EVENTS_LIMIT", 5)
    # /sitemap.xml lists public event pages from this many days back to months ahead.
    SITEMAP_DAYS_BACK = _int("SITEMAP_DAYS_BACK", 30)
    SITEMAP_MONTHS_AHEAD = _int("SITEMAP_MONTHS_AHEAD", 12)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    SCHEDULER_EMBEDDED = False
