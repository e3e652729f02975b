"""Names in the visitor's language in templates: ``localized``, ``lang_attr``, units, order.

Templates show a row's name with ``{{ localized(org, "name") }}`` and mark it with
``{{ lang_attr(org, "name") }}`` when the text shown is in another language than the page
(a Russian page that falls back to the English or Estonian name).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..core.localized import estonian_key, localized, text_language

UNIT_LABELS = {
    "count": _l("count"),
    "participations": _l("participations"),
}


def unit_label(code: str) -> str:
    return str(UNIT_LABELS.get(code, code))


def _page_locale() -> str:
    return str(get_locale() or "et")


def page_localized(obj, field: str, locale: str | None = None) -> str:
    return localized(obj, field, locale or _page_locale())


def lang_attr(obj, field: str | None = None, locale: str | None = None) -> Markup:
    """`` lang="xx"`` when ``obj``'s shown ``field`` is not in the page's language.

    With no ``field``, ``obj`` is a language code (e.g. "et" for an official Estonian name).
    """
    page = locale or _page_locale()
    language = obj if field is None else text_language(obj, field, page)
    if language == page:
        return Markup("")
    return Markup(' lang="{}"').format(language)


def estonian_sort(items, attribute: str | None = None):
    """Jinja filter: ``items`` in Estonian alphabetical order (of ``attribute``)."""
    if attribute is None:
        return sorted(items, key=lambda item: estonian_key(str(item)))
    return sorted(items, key=lambda item: estonian_key(str(getattr(item, attribute, "") or "")))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        localized=page_localized, lang_attr=lang_attr, unit_label=unit_label
    )
    app.jinja_env.filters["estonian_sort"] = estonian_sort
