"""Every user-facing string exists in every configured language (English is the source), no
entry is a fuzzy guess, placeholders survive translation, and the catalogues are current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scheduler.core.localized import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "scheduler" / "translations"


def _untranslated(locale: str) -> list[str]:
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=locale)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


TRANSLATED = [code for code in LANGUAGES if code != "en"]  # English is the messages' language
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_language_has_its_catalogue():
    assert {code for code in LANGUAGES} <= {path.name for path in CATALOGUES.iterdir()}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale):
    assert _untranslated(locale) == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_every_placeholder(locale):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=locale)
    lost = []
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple):
            continue  # plural forms may leave the count out ("один раз")
        if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string)):
            lost.append(message.id)
    assert lost == []


@pytest.mark.parametrize("locale", LANGUAGES)
def test_no_catalogue_holds_a_fuzzy_guess(locale):
    """A fuzzy entry is a machine guess; compiled without --use-fuzzy it would vanish."""
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=locale)
    assert [m.id for m in catalogue if m.id and m.fuzzy] == []


def test_catalogues_compile_without_accepting_fuzzy_entries():
    makefile = (ROOT / "Makefile").read_text()
    assert "pybabel compile" in makefile
    assert "--use-fuzzy" not in makefile


def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(template, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(CATALOGUES / "et" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        present = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(wanted - present) == [], "run `make translations` and translate the new strings"
