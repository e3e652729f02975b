"""Names in the visitor's language in templates: ``localized``, ``lang_attr``, units, order.

Templates show a row's name with ``{{ localized(org, "name") }}`` and mark it with
``{{ lang_attr(org, "name") }}`` when the text shown is in another language than the page
(a Russian page that falls back to the English or Estonian name).
"""

from __future__ import annotations

from babel import Locale
from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..core.localized import Text, estonian_key, localized, text_language, texts_of
from ..events.presentation import title_of
from ..recurrence.describe import described_language

UNIT_LABELS = {
    "count": _l("count"),
    "participations": _l("participations"),
}


def unit_label(code: str) -> str:
    return str(UNIT_LABELS.get(code, code))


def language_name(code: str, locale: str | None = None) -> str:
    """The name of the language ``code`` in ``locale`` (the page's): "ru" on an Estonian
    page is "vene", on a Russian one "русский"."""
    names = Locale.parse(locale or page_locale()).languages
    return names.get(code, code)


def language_names(codes, locale: str | None = None) -> str:
    """The names of the languages ``codes``, listed for a sentence: "eesti, inglise"."""
    return ", ".join(language_name(code, locale) for code in codes)


def page_locale() -> str:
    return str(get_locale() or "et")


def page_localized(obj, field: str, locale: str | None = None) -> str:
    return localized(obj, field, locale or page_locale())


def event_title(event, locale: str | None = None) -> Text:
    """An event's title in the page's language, as every surface shows it."""
    return title_of(event, locale or page_locale())


def lang_attr(obj, field: str | None = None, locale: str | None = None) -> Markup:
    """`` lang="xx"`` when ``obj``'s shown ``field`` is not in the page's language.

    With no ``field``, ``obj`` is a language code (e.g. "et" for an official Estonian name)
    or a ``Text`` (which knows its language).
    """
    page = locale or page_locale()
    if isinstance(obj, Text):
        language = obj.lang
    else:
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
    app.add_template_global(page_localized, "localized")
    helpers = (lang_attr, unit_label, event_title, language_name, language_names, texts_of)
    for helper in (*helpers, described_language):
        app.add_template_global(helper)  # under its own name
    app.add_template_filter(estonian_sort)
