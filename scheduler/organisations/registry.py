"""The 79 Estonian local governments, from pycountry's EHAK-coded subdivisions.

Each is named the same way in each language: "Elva vald", "Elva parish", "волость Элва"
(cities: "linn", "city", "город"), the base name in Russian as Estonia's Russian-language
press writes it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pycountry


@dataclass(frozen=True)
class LocalGovernment:
    ehak_code: str
    name_et: str
    name_en: str
    name_ru: str
    county_code: str
    slug: str

    @property
    def name(self) -> str:
        return self.name_et

    @property
    def translations(self) -> dict[str, dict[str, str]]:
        """The name in other languages, as rows keep it (``core.localized``)."""
        return {"name": {"en": self.name_en, "ru": self.name_ru}}


RUSSIAN_NAMES = {
    "Alutaguse": "Алутагузе",
    "Anija": "Ания",
    "Antsla": "Антсла",
    "Elva": "Элва",
    "Häädemeeste": "Хяэдемеэсте",
    "Haapsalu": "Хаапсалу",
    "Haljala": "Хальяла",
    "Harku": "Харку",
    "Hiiumaa": "Хийумаа",
    "Järva": "Ярва",
    "Jõelähtme": "Йыэляхтме",
    "Jõgeva": "Йыгева",
    "Jõhvi": "Йыхви",
    "Kadrina": "Кадрина",
    "Kambja": "Камбья",
    "Kanepi": "Канепи",
    "Kastre": "Кастре",
    "Kehtna": "Кехтна",
    "Keila": "Кейла",
    "Kihnu": "Кихну",
    "Kiili": "Кийли",
    "Kohila": "Кохила",
    "Kohtla-Järve": "Кохтла-Ярве",
    "Kose": "Козе",
    "Kuusalu": "Куусалу",
    "Lääne-Harju": "Ляэне-Харью",
    "Lääne-Nigula": "Ляэне-Нигула",
    "Lääneranna": "Ляэнеранна",
    "Loksa": "Локса",
    "Lüganuse": "Люганузе",
    "Luunja": "Луунья",
    "Maardu": "Маарду",
    "Märjamaa": "Мярьямаа",
    "Muhu": "Муху",
    "Mulgi": "Мульги",
    "Mustvee": "Муствээ",
    "Narva": "Нарва",
    "Narva-Jõesuu": "Нарва-Йыэсуу",
    "Nõo": "Ныо",
    "Otepää": "Отепя",
    "Paide": "Пайде",
    "Pärnu": "Пярну",
    "Peipsiääre": "Пейпсиээре",
    "Põhja-Pärnumaa": "Пыхья-Пярнумаа",
    "Põhja-Sakala": "Пыхья-Сакала",
    "Põltsamaa": "Пылтсамаа",
    "Põlva": "Пылва",
    "Raasiku": "Раазику",
    "Rae": "Раэ",
    "Rakvere": "Раквере",
    "Räpina": "Ряпина",
    "Rapla": "Рапла",
    "Rõuge": "Рыуге",
    "Ruhnu": "Рухну",
    "Saarde": "Саарде",
    "Saaremaa": "Сааремаа",
    "Saku": "Саку",
    "Saue": "Сауэ",
    "Setomaa": "Сетомаа",
    "Sillamäe": "Силламяэ",
    "Tallinn": "Таллинн",
    "Tapa": "Тапа",
    "Tartu": "Тарту",
    "Toila": "Тойла",
    "Tori": "Тори",
    "Tõrva": "Тырва",
    "Türi": "Тюри",
    "Väike-Maarja": "Вяйке-Маарья",
    "Valga": "Валга",
    "Viimsi": "Виймси",
    "Viljandi": "Вильянди",
    "Vinni": "Винни",
    "Viru-Nigula": "Виру-Нигула",
    "Vormsi": "Вормси",
    "Võru": "Выру",
}


def ascii_slug(text: str) -> str:
    normalized = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in normalized if not unicodedata.combining(c))
    return "-".join(plain.lower().replace("'", "").split())


def estonian_local_governments() -> list[LocalGovernment]:
    subdivisions = [
        s for s in pycountry.subdivisions.get(country_code="EE") if s.type.endswith("municipality")
    ]
    urban_names = {s.name for s in subdivisions if s.type == "Urban municipality"}
    result = []
    for sub in subdivisions:
        is_urban = sub.type == "Urban municipality"
        slug = ascii_slug(sub.name)
        if not is_urban and sub.name in urban_names:
            slug += "-vald"
        result.append(
            LocalGovernment(
                ehak_code=sub.code.split("-")[1].zfill(4),
                name_et=f"{sub.name} {'linn' if is_urban else 'vald'}",
                name_en=f"{sub.name} {'city' if is_urban else 'parish'}",
                name_ru=f"{'город' if is_urban else 'волость'} {RUSSIAN_NAMES[sub.name]}",
                county_code=(sub.parent_code or "").split("-")[-1],
                slug=slug,
            )
        )
    return sorted(result, key=lambda lg: lg.slug)
