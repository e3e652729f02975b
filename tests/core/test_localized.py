"""One helper picks a name in the visitor's language; Estonian names sort as in Estonian."""

from __future__ import annotations

from types import SimpleNamespace

from scheduler.core.localized import estonian_key, localized, sorted_estonian, text_language

TARTU = SimpleNamespace(name="Tartu linn", name_en="Tartu city", name_ru="город Тарту")
ONLY_EN = SimpleNamespace(name="Rakvere linn", name_en="Rakvere city", name_ru=None)
ONLY_ET = SimpleNamespace(name="Saue vald", name_en=None, name_ru=None)


def test_a_name_is_shown_in_the_visitors_language():
    assert localized(TARTU, "name", "et") == "Tartu linn"
    assert localized(TARTU, "name", "en") == "Tartu city"
    assert localized(TARTU, "name", "ru") == "город Тарту"


def test_a_missing_translation_falls_back_to_english_then_estonian():
    assert localized(ONLY_EN, "name", "ru") == "Rakvere city"
    assert text_language(ONLY_EN, "name", "ru") == "en"
    assert localized(ONLY_ET, "name", "ru") == "Saue vald"
    assert text_language(ONLY_ET, "name", "en") == "et"
    assert localized({"title": "Klubi", "title_ru": "Клуб"}, "title", "ru") == "Клуб"


def test_an_estonian_page_without_an_estonian_text_shows_the_english_one():
    only_english = SimpleNamespace(name="", name_en="Only English")
    assert localized(only_english, "name", "et") == "Only English"
    assert text_language(only_english, "name", "et") == "en"
    assert localized(SimpleNamespace(name=None), "name", "ru") == ""


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
