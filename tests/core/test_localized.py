"""One helper picks a name in the visitor's language; Estonian names sort as in Estonian."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scheduler.core.localized import (
    LANGUAGES,
    assign_texts,
    content_languages,
    estonian_key,
    flat_texts,
    localized,
    sorted_estonian,
    split_flat_name,
    text_language,
    texts_of,
    translations_of,
    use_languages,
)


def _row(name, **others):
    return SimpleNamespace(name=name, translations={"name": others} if others else {})


TARTU = _row("Tartu linn", en="Tartu city", ru="город Тарту", uk="місто Тарту")
ONLY_EN = _row("Rakvere linn", en="Rakvere city")
ONLY_ET = _row("Saue vald")


@pytest.fixture
def finnish_too():
    use_languages((*LANGUAGES, "fi"))
    yield
    use_languages(LANGUAGES)


def test_a_name_is_shown_in_the_visitors_language():
    assert localized(TARTU, "name", "et") == "Tartu linn"
    assert localized(TARTU, "name", "en") == "Tartu city"
    assert localized(TARTU, "name", "ru") == "город Тарту"
    assert localized(TARTU, "name", "uk") == "місто Тарту"


def test_a_missing_translation_falls_back_to_english_then_estonian():
    assert localized(ONLY_EN, "name", "ru") == "Rakvere city"
    assert text_language(ONLY_EN, "name", "ru") == "en"
    assert localized(ONLY_ET, "name", "ru") == "Saue vald"
    assert text_language(ONLY_ET, "name", "en") == "et"
    assert localized({"title": "Klubi", "title_ru": "Клуб"}, "title", "ru") == "Клуб"


def test_an_estonian_page_without_an_estonian_text_shows_the_english_one():
    only_english = _row("", en="Only English")
    assert localized(only_english, "name", "et") == "Only English"
    assert text_language(only_english, "name", "et") == "en"
    assert localized(SimpleNamespace(name=None), "name", "ru") == ""


def test_texts_live_in_one_column_whatever_the_languages():
    row = SimpleNamespace(title="Klubi", translations={})
    assign_texts(row, "title", {"et": "Keeleklubi", "ru": "Языковой клуб", "uk": None})
    assert row.title == "Keeleklubi"
    assert row.translations == {"title": {"ru": "Языковой клуб"}}
    assert flat_texts(row, "title") == {
        "title": "Keeleklubi", "title_en": None, "title_ru": "Языковой клуб", "title_uk": None
    }  # fmt: skip
    assign_texts(row, "title", {"ru": ""})
    assert row.translations == {}, "a text emptied in every other language leaves nothing"


def test_a_further_language_is_one_entry_in_the_list(finnish_too):
    assert content_languages()[-1] == "fi"
    entry = {"title": "Klubi", "title_fi": "Kerho"}
    assert translations_of(entry, "title") == {"title": {"fi": "Kerho"}}
    assert localized(entry, "title", "fi") == "Kerho"
    assert texts_of(_row("Tartu linn", fi="Tarton kaupunki"), "name")["fi"] == "Tarton kaupunki"


def test_a_language_left_out_of_the_list_is_not_shown():
    row = _row("Tartu linn", fi="Tarton kaupunki")
    assert localized(row, "name", "fi") == "Tartu linn"
    assert "fi" not in texts_of(row, "name")


def test_flat_names_name_a_field_and_a_language():
    assert split_flat_name("title_ru") == ("title", "ru")
    assert split_flat_name("cancel_reason_uk") == ("cancel_reason", "uk")
    assert split_flat_name("title") is None


def test_estonian_alphabet_puts_sh_z_zh_after_s_and_o_tilde_a_o_u_after_w():
    words = ["tee", "žanr", "zooloog", "šaakal", "sala", "ümar", "öö", "äke", "õun", "wifi", "vesi"]
    assert sorted_estonian(words) == [
        "sala", "šaakal", "zooloog", "žanr", "tee", "vesi", "wifi", "õun", "äke", "öö", "ümar",
    ]  # fmt: skip


def test_local_government_names_sort_as_in_an_estonian_list():
    names = ["Pärnu linn", "Põlva vald", "Väike-Maarja vald", "Võru vald", "Türi vald",
             "Tõrva vald", "Saue vald", "Saaremaa vald", "Sillamäe linn"]  # fmt: skip
    expected = ["Põlva vald", "Pärnu linn", "Saaremaa vald", "Saue vald", "Sillamäe linn",
                "Tõrva vald", "Türi vald", "Võru vald", "Väike-Maarja vald"]  # fmt: skip
    assert sorted_estonian(names) == expected
    assert sorted(names) != expected  # code-point order puts ä before õ


def test_case_only_breaks_ties():
    assert estonian_key("saue") < estonian_key("Setomaa")
    assert estonian_key("Saue") < estonian_key("saue")
