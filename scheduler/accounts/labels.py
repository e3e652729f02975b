"""Role and language names as people read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("administrator"),
    Role.COORDINATOR: _l("coordinator"),
    Role.ORGANISER: _l("organiser"),
    Role.VIEWER: _l("viewer"),
}
# Each language in its own name: a person finds theirs whatever the page's language.
LANGUAGE_NAMES = {"et": "eesti", "en": "English", "ru": "русский"}


def role_label(role) -> str:
    return str(ROLE_LABELS[Role(role)])
