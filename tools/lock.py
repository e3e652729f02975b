"""Pin the dependencies installed in this environment into three lock files.

    .venv/bin/python tools/lock.py        (what `make lock` runs)

- requirements.lock: what production needs (pyproject's ``dependencies``, plus setuptools and
  wheel for the editable install), nothing else;
- requirements-test.lock: ``-r requirements.lock`` and the ``test`` extra;
- requirements-bench.lock: ``-r requirements.lock`` and the ``bench`` extra.

Each file pins the whole closure of its roots at the versions installed now, so install
every group into the environment first (`make test bench-setup`).
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BUILD_TOOLS = ("setuptools", "wheel")  # `pip install --no-build-isolation -e .` needs them


def closure(roots: list[str]) -> dict[str, str]:
    """Canonical name -> "Name==version" for the roots and everything they require."""
    pinned: dict[str, str] = {}
    extras_seen: dict[str, set[str]] = {}
    pending = [Requirement(root) for root in roots]
    while pending:
        requirement = pending.pop()
        key = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if key in pinned and extras <= extras_seen[key]:
            continue
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError:
            sys.exit(f"{requirement.name} is not installed: install every group first")
        pinned[key] = f"{dist.metadata['Name']}=={dist.version}"
        extras_seen[key] = extras_seen.get(key, set()) | extras
        for text in dist.requires or []:
            child = Requirement(text)
            wanted = [""] + sorted(extras_seen[key])
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in wanted):
                pending.append(child)
    return pinned


def write(name: str, header: str, pins: dict[str, str], include: str | None = None) -> None:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if include:
        lines.append(f"-r {include}")
    lines += sorted(pins.values(), key=str.lower)
    (ROOT / name).write_text("\n".join(lines) + "\n")
    print(f"{name}: {len(pins)} pins")


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = closure(list(project["dependencies"]) + list(BUILD_TOOLS))
    extras = project["optional-dependencies"]
    write(
        "requirements.lock",
        "Runtime only (production): `make setup`. Regenerate with `make lock`.",
        runtime,
    )
    for group in ("test", "bench"):
        pins = {k: v for k, v in closure(list(extras[group])).items() if k not in runtime}
        write(
            f"requirements-{group}.lock",
            f"The runtime plus the {group} extra: `make {group}-setup`."
            "\nRegenerate with `make lock`.",
            pins,
            include="requirements.lock",
        )


if __name__ == "__main__":
    main()
