"""Role and language names as people read them."""

from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l

from ..core.localized import content_languages
from .models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("administrator"),
    Role.COORDINATOR: _l("coordinator"),
    Role.ORGANISER: _l("organiser"),
    Role.VIEWER: _l("viewer"),
}


def language_autonyms() -> dict[str, str]:
    """Each configured language in its own name (CLDR): a person finds theirs whatever the
    page's language ("eesti", "English", "русский", "українська")."""
    return {code: Locale.parse(code).get_display_name(code) for code in content_languages()}


def role_label(role) -> str:
    return str(ROLE_LABELS[Role(role)])
