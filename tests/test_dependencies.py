"""The locks: production installs the runtime only; tests and benchmarks add their own tools,
and every third-party import of each part of the code is pinned where that part installs."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Our own modules, including the benchmarks' siblings (bench/pages.py imports bench/report.py).
LOCAL_MODULES = {"scheduler", "config", "wsgi", "tests"} | {
    p.stem for folder in ("tests", "bench") for p in (ROOT / folder).rglob("*.py")
}
TOOLS = {"pytest", "pytest-xdist", "pytest-timeout", "hypothesis", "playwright", "ruff",
         "radicale", "waitress", "aiosmtpd", "recurring-ical-events"}  # fmt: skip


def pins(lock: str) -> set[str]:
    """Canonical names pinned by a lock file, following its ``-r`` includes."""
    names = set()
    for line in (ROOT / lock).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= pins(line[3:].strip())
        elif line:
            requirement = Requirement(line)
            assert str(requirement.specifier).startswith("=="), f"{lock}: {line} is not pinned"
            names.add(canonicalize_name(requirement.name))
    return names


def third_party_imports(folder: str) -> set[str]:
    modules = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - LOCAL_MODULES - {"__future__"}


def distributions_of(modules: set[str]) -> set[str]:
    """Installed modules by their distribution; others (bench tools in a test environment)
    by their own name, which is their distribution's for every one this project uses."""
    owners = packages_distributions()
    return {canonicalize_name(owners[m][0] if m in owners else m) for m in modules}


def test_the_runtime_lock_holds_no_test_or_bench_tool():
    assert pins("requirements.lock") & TOOLS == set()


@pytest.mark.parametrize(
    ("folder", "lock"),
    [
        ("scheduler", "requirements.lock"),
        ("tests", "requirements-test.lock"),
        ("bench", "requirements-bench.lock"),
    ],
)
def test_every_third_party_import_is_pinned_in_the_lock_that_part_installs(folder, lock):
    missing = distributions_of(third_party_imports(folder)) - pins(lock)
    assert missing == set(), f"{folder}/ imports {missing}, not pinned in {lock}"


def test_the_locks_pin_every_dependency_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        "requirements.lock": project["dependencies"],
        "requirements-test.lock": project["optional-dependencies"]["test"],
        "requirements-bench.lock": project["optional-dependencies"]["bench"],
    }
    for lock, requirements in declared.items():
        names = {canonicalize_name(Requirement(r).name) for r in requirements}
        assert names - pins(lock) == set(), lock
