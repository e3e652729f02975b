"""ELVL event and network-meeting scheduler: application factory.

Each feature lives in its own sub-package (``scheduler/<feature>/``). The factory
discovers them: a ``models`` module is imported so its tables join the metadata, a
``blueprint`` module's ``bp`` is registered, a ``cli`` module's ``commands`` (a click
group or a list of them) are added to ``flask``, and an ``init_app(app)`` in the
package itself is called. Adding a feature touches no central list.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request, session

from . import extensions
from .core.localized import use_languages
from .extensions import babel, csrf, db, login_manager, migrate
from .security.secret_key import ensure_secret_key

ROOT = Path(__file__).resolve().parent.parent
_NOT_FEATURES = {"core", "extensions"}


def create_app(test_config: dict | None = None) -> Flask:
    from config import INSTANCE

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str((test_config or {}).get("INSTANCE_PATH") or INSTANCE),
    )
    app.config.from_object("config.Config")
    if test_config:
        app.config.update(test_config)
    use_languages(app.config["LANGUAGES"])
    logging.basicConfig(  # before the key: its generation is logged
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with contextlib.suppress(OSError):  # what needs the folder says what to set (the key)
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    ensure_secret_key(app)

    _init_extensions(app)
    for module in feature_modules():
        _wire_feature(app, module)
    from .operations import finish_app

    finish_app(app)  # outermost request log; refuses production settings that cannot work
    return app


def feature_modules() -> list[str]:
    package_dir = Path(__file__).resolve().parent
    return sorted(
        name
        for _, name, is_pkg in pkgutil.iter_modules([str(package_dir)])
        if is_pkg and name not in _NOT_FEATURES
    )


def _optional_import(dotted: str):
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as error:
        if error.name == dotted:
            return None
        raise


def _wire_feature(app: Flask, name: str) -> None:
    package = importlib.import_module(f"{__name__}.{name}")
    _optional_import(f"{__name__}.{name}.models")
    blueprint = _optional_import(f"{__name__}.{name}.blueprint")
    if blueprint is not None:
        app.register_blueprint(blueprint.bp)
    cli = _optional_import(f"{__name__}.{name}.cli")
    if cli is not None:
        commands = cli.commands if isinstance(cli.commands, list | tuple) else [cli.commands]
        for command in commands:
            app.cli.add_command(command)
    if hasattr(package, "init_app"):
        package.init_app(app)


def _select_locale() -> str:
    languages = babel_languages()
    if not has_request_context():  # command line and jobs: the configured default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        request.environ[REMEMBER_LANGUAGE] = chosen  # and in a long-lived cookie: see below
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    signed_in = _signed_in_locale()
    if signed_in in languages:  # the account page's choice, unless ?lang= said otherwise
        return signed_in
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in languages:  # a visitor's earlier choice, kept beyond the session
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


LANGUAGE_COOKIE = "lang"
REMEMBER_LANGUAGE = "scheduler.remember_language"


def _remember_language(response):
    """A page shown in a language chosen with ``?lang=`` keeps that choice in a cookie.
    Only pages: the API and feeds never choose the page language this way, so they set none."""
    chosen = request.environ.get(REMEMBER_LANGUAGE)
    if (
        chosen
        and response.mimetype == "text/html"
        and request.cookies.get(LANGUAGE_COOKIE) != chosen
    ):
        config = current_app.config
        secure = config["SESSION_COOKIE_SECURE"]
        if secure is None:
            secure = config["BASE_URL"].startswith("https://")
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=config["LANGUAGE_COOKIE_DAYS"] * 86400,
            httponly=True,
            secure=secure,
            samesite="Lax",
        )
    return response


def _signed_in_locale() -> str | None:
    from flask_login import current_user

    if request.blueprint == "static" or request.endpoint in (None, "static"):
        return None
    return getattr(current_user, "locale", None) if current_user.is_authenticated else None


def babel_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def _init_extensions(app: Flask) -> None:
    from .core.database import bound_engine, engine_options
    from .core.private_files import keep_new_sqlite_files_private

    keep_new_sqlite_files_private()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    db.init_app(app)
    with app.app_context():
        bound_engine(app, db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(ROOT / "scheduler" / "translations"),
    )
    # not a name of its own here: the package scheduler.mail (the outbox) takes that name
    extensions.mail.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    app.after_request(_remember_language)
    _sqlite_pragmas(app)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        from .web.nav import nav_count, nav_links

        def url_in_language(code: str) -> str:
            args = request.args.to_dict(flat=False)
            args["lang"] = [code]
            return f"{request.path}?{urlencode(args, doseq=True)}"

        return {
            "url_in_language": url_in_language,
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "nav_links": nav_links(app),
            "nav_count": lambda endpoint: nav_count(app, endpoint),
        }


def _sqlite_pragmas(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
