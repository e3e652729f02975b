"""Configuration from the environment.

Every setting has a default that runs the embedded setup: an SQLite file under
``instance/``, Europe/Tallinn, mail captured to ``instance/mail`` when no SMTP
server is configured. Flask-Mail's own variable names are used for mail.
"""

from __future__ import annotations

import os
from pathlib import Path

from scheduler.core.localized import LANGUAGES
from scheduler.core.time import DEFAULT_TZ

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("SCHEDULER_INSTANCE", ROOT / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class Config:
    # Unset: generated on first start and kept in <instance>/secret_key (scheduler/security).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'scheduler.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Bounds on every wait for the database (scheduler/core/database.py, docs/operations.md
    # "Running several nodes"); on PostgreSQL, a statement or lock wait longer than these is
    # cancelled by the server, and an answer that does not come (a frozen server) is given up
    # by the client half a second later. 0: no bound.
    DATABASE_STATEMENT_TIMEOUT_SECONDS = float(
        os.environ.get("DATABASE_STATEMENT_TIMEOUT_SECONDS", "30")
    )
    DATABASE_LOCK_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_LOCK_TIMEOUT_SECONDS", "10"))
    DATABASE_CONNECT_TIMEOUT_SECONDS = _int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    # Waiting for a free connection of the process's pool.
    DATABASE_POOL_TIMEOUT_SECONDS = float(os.environ.get("DATABASE_POOL_TIMEOUT_SECONDS", "5"))
    # After the database was found unreachable, requests answer 503 with this Retry-After at
    # once (or a stale feed from memory) for this long before the database is tried again.
    DATABASE_RETRY_AFTER_SECONDS = _int("DATABASE_RETRY_AFTER_SECONDS", 5)
    TIMEZONE = os.environ.get("SCHEDULER_TIMEZONE", DEFAULT_TZ)
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    UID_DOMAIN = os.environ.get("UID_DOMAIN", "elvl-scheduler.ee")
    # How far ahead series are materialised as event rows.
    HORIZON_MONTHS = _int("SCHEDULER_HORIZON_MONTHS", 24)

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "et")
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = LANGUAGES  # core.localized: the one list of languages

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

    # Rules, wherever they enter (the series editor and its preview, `flask series change`,
    # plan files, imported calendars, the horizon job; docs/security.md "Limits"): rules
    # repeating this often are refused, a series may have at most so many occurrences and one
    # save so many in all, and expanding a save's rules may take so long. A plan load and an
    # import use PLAN_EXPAND_DEADLINE_SECONDS, CALENDARS_IMPORT_DEADLINE_SECONDS and
    # CALENDARS_MAX_OCCURRENCES instead of the deadline and the total per save.
    RULES_REFUSED_FREQUENCIES = tuple(
        f.strip().upper()
        for f in os.environ.get("RULES_REFUSED_FREQUENCIES", "SECONDLY,MINUTELY").split(",")
        if f.strip()
    )
    RULES_MAX_OCCURRENCES_PER_SERIES = _int("RULES_MAX_OCCURRENCES_PER_SERIES", 1500)
    RULES_MAX_OCCURRENCES_PER_SAVE = _int("RULES_MAX_OCCURRENCES_PER_SAVE", 20000)
    RULES_DEADLINE_SECONDS = float(os.environ.get("RULES_DEADLINE_SECONDS", "2"))
    # The series editor's live preview: its check of the rule and its timeline together.
    SERIES_PREVIEW_DEADLINE_SECONDS = float(os.environ.get("SERIES_PREVIEW_DEADLINE_SECONDS", "1"))

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
    # After this many failed sign-ins (or current-password checks) from one address within
    # the window, that address answers 429 until the window has passed; after this many for
    # one account, so do the addresses that failed for it (a new address may still try once).
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 10)
    LOGIN_WINDOW_MINUTES = _int("LOGIN_WINDOW_MINUTES", 15)
    # Account mail (docs/security.md "Limits"): at most this many password-reset requests per
    # email and per client address, and invitations per invited email and per client
    # address, within the window; more answer 429 with Retry-After.
    MAIL_REQUEST_WINDOW_MINUTES = _int("MAIL_REQUEST_WINDOW_MINUTES", 60)
    # werkzeug's password hash method (its default, scrypt, unless a deployment says otherwise)
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
    PASSWORD_RESET_MAX_PER_ACCOUNT = _int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3)
    PASSWORD_RESET_MAX_PER_ADDRESS = _int("PASSWORD_RESET_MAX_PER_ADDRESS", 10)
    INVITATION_MAX_PER_ACCOUNT = _int("INVITATION_MAX_PER_ACCOUNT", 3)
    INVITATION_MAX_PER_ADDRESS = _int("INVITATION_MAX_PER_ADDRESS", 50)
    # Registrations (docs/registrations.md): sign-ups per email and per client address within
    # the window; personal fields are erased this many days after the occurrence.
    REGISTRATION_MAX_PER_ACCOUNT = _int("REGISTRATION_MAX_PER_ACCOUNT", 5)
    REGISTRATION_MAX_PER_ADDRESS = _int("REGISTRATION_MAX_PER_ADDRESS", 20)
    REGISTRATION_RETENTION_DAYS = _int("REGISTRATION_RETENTION_DAYS", 90)
    # Email alerts (docs/subscriptions.md): subscription requests per email and per client
    # address within the window; a subscription never confirmed is erased after this many
    # days; a digest lists the coming events of this many weeks; an immediate notice is sent
    # for a matching event of the next this many days that is cancelled or moved.
    SUBSCRIPTION_MAX_PER_ACCOUNT = _int("SUBSCRIPTION_MAX_PER_ACCOUNT", 3)
    SUBSCRIPTION_MAX_PER_ADDRESS = _int("SUBSCRIPTION_MAX_PER_ADDRESS", 20)
    SUBSCRIPTION_PENDING_DAYS = _int("SUBSCRIPTION_PENDING_DAYS", 7)
    SUBSCRIPTION_DIGEST_WEEKS = _int("SUBSCRIPTION_DIGEST_WEEKS", 8)
    SUBSCRIPTION_NOTICE_DAYS = _int("SUBSCRIPTION_NOTICE_DAYS", 7)
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
    # A claimed row is the claimer's for this long; a heartbeat renews the lease every
    # DISPATCH_HEARTBEAT_SECONDS while it sends, so a dead worker's rows are taken again by
    # the next tick after the lease (ticks every DISPATCH_INTERVAL_SECONDS): within a minute.
    DISPATCH_LEASE_SECONDS = _int("DISPATCH_LEASE_SECONDS", 30)
    DISPATCH_HEARTBEAT_SECONDS = float(os.environ.get("DISPATCH_HEARTBEAT_SECONDS", "10"))
    DISPATCH_INTERVAL_SECONDS = _int("DISPATCH_INTERVAL_SECONDS", 30)
    # A mail the SMTP server accepted is recorded as sent; while the database does not answer,
    # the worker keeps trying to record it for this long (a restart would send it again).
    DISPATCH_MARK_RETRY_SECONDS = _int("DISPATCH_MARK_RETRY_SECONDS", 600)
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
    # /healthz/jobs fails when the clock's last tick is older than this; 0: reported, never
    # fails (set it where a `flask worker` or the embedded clock is expected to run). /healthz
    # (the web node) reports the age but never fails on it.
    HEALTHZ_MAX_TICK_AGE_SECONDS = _int("HEALTHZ_MAX_TICK_AGE_SECONDS", 0)
    # /healthz answers within this many seconds whatever the database does ("unreachable").
    HEALTHZ_TIMEOUT_SECONDS = float(os.environ.get("HEALTHZ_TIMEOUT_SECONDS", "1.5"))
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

    # Indicators (docs/indicators.md): the measure runs 01.01.2023-31.10.2029; cumulative
    # figures start in the first year, the chart and the projection end in the final one.
    INDICATORS_FIRST_YEAR = _int("INDICATORS_FIRST_YEAR", 2023)
    INDICATORS_FINAL_YEAR = _int("INDICATORS_FINAL_YEAR", 2029)

    # Open events API (scheduler/publicapi, /api/events): page size, its maximum, the default
    # window (today + N weeks) and Cache-Control max-age of API answers.
    API_EVENTS_LIMIT = _int("API_EVENTS_LIMIT", 50)
    API_EVENTS_MAX_LIMIT = _int("API_EVENTS_MAX_LIMIT", 200)
    API_EVENTS_WEEKS = _int("API_EVENTS_WEEKS", 8)
    # RSS and Atom news feeds (/feeds/events.rss, .atom): items by default and at most, and
    # how many weeks ahead they look.
    NEWS_FEED_LIMIT = _int("NEWS_FEED_LIMIT", 50)
    NEWS_FEED_MAX_LIMIT = _int("NEWS_FEED_MAX_LIMIT", 200)
    NEWS_FEED_WEEKS = _int("NEWS_FEED_WEEKS", 8)
    API_MAX_AGE = _int("API_MAX_AGE", 300)
    API_FINGERPRINT_TTL = _float("API_FINGERPRINT_TTL", 2.0)  # seconds a served ETag answers
    # 304s before Flask (publicapi/fastpath.py), for this many (address, language) entries
    API_FAST_PATH_SIZE = _int("API_FAST_PATH_SIZE", 256)
    # iCal feeds (scheduler/feeds): the window from N days back to N months ahead; the
    # REFRESH-INTERVAL / X-PUBLISHED-TTL (Google ignores it and polls every 8-24 h anyway);
    # Cache-Control max-age of a feed; rendered feeds kept per process; seconds a feed's
    # revision check is reused.
    FEEDS_DAYS_BACK = _int("FEEDS_DAYS_BACK", 90)
    FEEDS_MONTHS_AHEAD = _int("FEEDS_MONTHS_AHEAD", 18)
    FEEDS_REFRESH_SECONDS = _int("FEEDS_REFRESH_SECONDS", 3 * 3600)
    FEEDS_MAX_AGE = _int("FEEDS_MAX_AGE", 900)
    FEEDS_CACHE_SIZE = _int("FEEDS_CACHE_SIZE", 128)
    FEEDS_FINGERPRINT_TTL = _float("FEEDS_FINGERPRINT_TTL", 2.0)
    # The widget for other sites (scheduler/embed): /embed.js's Cache-Control max-age (its
    # address never changes, so an ETag revalidates it after that) and the events shown
    # when the embedding page names no limit.
    EMBED_SCRIPT_MAX_AGE = _int("EMBED_SCRIPT_MAX_AGE", 86400)
    EMBED_EVENTS_LIMIT = _int("EMBED_EVENTS_LIMIT", 5)
    # /sitemap.xml lists public event pages from this many days back to months ahead.
    SITEMAP_DAYS_BACK = _int("SITEMAP_DAYS_BACK", 30)
    SITEMAP_MONTHS_AHEAD = _int("SITEMAP_MONTHS_AHEAD", 12)
    # The public site (scheduler/public): events per page and the default window in weeks.
    PUBLIC_PAGE_SIZE = _int("PUBLIC_PAGE_SIZE", 30)
    PUBLIC_WEEKS = _int("PUBLIC_WEEKS", 8)
    # How long a visitor's language choice (?lang=) is remembered, in days (cookie "lang").
    LANGUAGE_COOKIE_DAYS = _int("LANGUAGE_COOKIE_DAYS", 365)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    SCHEDULER_EMBEDDED = False
    # The live preview's 1 s and a save's 2 s are for people; two test workers, PostgreSQL
    # and Chromium on two cores took 1.06 s to preview a weekly club, which then rightly
    # showed the refusal instead of the dates a test reads. Tests of the deadlines set them.
    SERIES_PREVIEW_DEADLINE_SECONDS = 10.0
    RULES_DEADLINE_SECONDS = 10.0
    # scrypt costs a tenth of a second per hash and per check, and the suite makes and signs
    # in people thousands of times; werkzeug reads the method from each stored hash, so
    # checks are cheap too. Tests of the hashing itself set the served method back.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
