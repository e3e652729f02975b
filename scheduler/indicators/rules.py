"""Counting rules: how an indicator of the plan is counted, as declared in the plan file.

Pure: no Flask, no session. The plan loader calls :func:`validate_counting_rule` on each
indicator's ``counting`` mapping; the report parses it with :func:`parse_counting_rule`.

Kinds (``kind``):

``held_events``
    The number of held events of the given ``types`` (optionally only those organised by
    ``orgs`` slugs or organisations of ``org_kinds``).
``kov_participations``
    The plan's "osaluskord": over held events of the given ``types``, the sum of the
    participating local governments (one per event and participant). A planned event
    is expected to bring ``expected_per_event`` participations (default 1, the least a
    KOV event can bring).
``distinct_orgs``
    The number of distinct organising organisations (optionally filtered by ``orgs`` /
    ``org_kinds``) with at least one held event of the given ``types`` — e.g. partners
    whose local network met. The cumulative figure counts each organisation once.
``manual``
    Entered by hand with a date, an author and an evidence note (coordinators hired,
    councils founded). ``accumulate``: ``sum`` (default; each year's value is what that
    year added) or ``latest`` (a stock: the cumulative figure is the latest year's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.vocabulary import EVENT_TYPES

RULE_KINDS = ("held_events", "kov_participations", "distinct_orgs", "manual")
ORG_KINDS = ("implementer", "partner", "kov", "other")
ACCUMULATE = ("sum", "latest")

_KEYS_BY_KIND = {
    "held_events": {"kind", "types", "orgs", "org_kinds"},
    "kov_participations": {"kind", "types", "orgs", "org_kinds", "expected_per_event"},
    "distinct_orgs": {"kind", "types", "orgs", "org_kinds"},
    "manual": {"kind", "accumulate"},
}


@dataclass(frozen=True)
class CountingRule:
    kind: str
    types: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    org_kinds: tuple[str, ...] = ()
    expected_per_event: int = 1
    accumulate: str = "sum"

    @property
    def is_manual(self) -> bool:
        return self.kind == "manual"

    @property
    def counts_events(self) -> bool:
        return self.kind in ("held_events", "kov_participations", "distinct_orgs")

    def as_dict(self) -> dict[str, Any]:
        if self.is_manual:
            return {"kind": self.kind, "accumulate": self.accumulate}
        result: dict[str, Any] = {"kind": self.kind, "types": list(self.types)}
        if self.orgs:
            result["orgs"] = list(self.orgs)
        if self.org_kinds:
            result["org_kinds"] = list(self.org_kinds)
        if self.kind == "kov_participations":
            result["expected_per_event"] = self.expected_per_event
        return result


def validate_counting_rule(rule: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` with a precise message if ``rule`` is not a valid counting rule."""
    parse_counting_rule(rule)


def parse_counting_rule(rule: Mapping[str, Any] | None) -> CountingRule:
    if not isinstance(rule, Mapping):
        raise ValueError(f"counting: expected a mapping with a 'kind', got {rule!r}")
    kind = rule.get("kind")
    if kind not in RULE_KINDS:
        raise ValueError(f"counting.kind: {kind!r} is not one of {', '.join(RULE_KINDS)}")
    unknown = sorted(set(rule) - _KEYS_BY_KIND[kind])
    if unknown:
        allowed = ", ".join(sorted(_KEYS_BY_KIND[kind]))
        raise ValueError(
            f"counting ({kind}): unknown key(s) {', '.join(unknown)}; allowed: {allowed}"
        )
    if kind == "manual":
        return CountingRule(kind=kind, accumulate=_accumulate(rule.get("accumulate", "sum")))
    return CountingRule(
        kind=kind,
        types=_names(rule, "types", EVENT_TYPES, required=True),
        orgs=_names(rule, "orgs", None, required=False),
        org_kinds=_names(rule, "org_kinds", ORG_KINDS, required=False),
        expected_per_event=_expected_per_event(rule.get("expected_per_event", 1)),
    )


def _names(
    rule: Mapping[str, Any], key: str, allowed: tuple[str, ...] | None, *, required: bool
) -> tuple[str, ...]:
    kind = rule["kind"]
    value = rule.get(key)
    if value is None:
        if required:
            raise ValueError(f"counting ({kind}): '{key}' is required (a list of names)")
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"counting ({kind}).{key}: expected a list of names, got {value!r}")
    if required and not value:
        raise ValueError(f"counting ({kind}).{key}: the list is empty")
    names = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"counting ({kind}).{key}: {item!r} is not a name")
        if allowed is not None and item not in allowed:
            raise ValueError(
                f"counting ({kind}).{key}: unknown {key[:-1]} {item!r}; known: {', '.join(allowed)}"
            )
        names.append(item.strip())
    if len(set(names)) != len(names):
        raise ValueError(f"counting ({kind}).{key}: duplicate names in {names}")
    return tuple(names)


def _expected_per_event(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"counting (kov_participations).expected_per_event: expected a whole number "
            f">= 0, got {value!r}"
        )
    return value


def _accumulate(value: Any) -> str:
    if value not in ACCUMULATE:
        raise ValueError(f"counting (manual).accumulate: {value!r} is not one of sum, latest")
    return value
