"""The 79 Estonian local governments, from pycountry's EHAK-coded subdivisions."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pycountry


@dataclass(frozen=True)
class LocalGovernment:
    ehak_code: str
    name_et: str
    name_en: str
    county_code: str
    slug: str


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
                county_code=(sub.parent_code or "").split("-")[-1],
                slug=slug,
            )
        )
    return sorted(result, key=lambda lg: lg.slug)
