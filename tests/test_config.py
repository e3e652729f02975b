"""Every setting has its default in one place, config.py's Config, and the code reads it there.

A second default in the code (``config.get("X", 24)``) drifts from config.py's unnoticed: the
setting then means one thing where it is set and another where it is read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from config import Config

SCHEDULER = Path(__file__).resolve().parent.parent / "scheduler"
READ = re.compile(r"""config\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")


def _sources() -> dict[str, str]:
    found = {
        str(path.relative_to(SCHEDULER.parent)): path.read_text(encoding="utf-8")
        for path in sorted(SCHEDULER.rglob("*.py"))
    }
    assert len(found) > 50, "the scan found the package"
    return found


def test_no_setting_is_read_with_a_second_default():
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, text in _sources().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if "config.get(" in line
    ]
    assert offenders == [], "read config['X']; its default belongs in config.py:\n" + "\n".join(
        offenders
    )


def test_every_setting_read_is_defined_in_config_py():
    read = {key: name for name, text in _sources().items() for key in READ.findall(text)}
    assert len(read) > 40, "the scan finds the settings read"
    missing = sorted(
        f"{key} (read in {name})" for key, name in read.items() if not hasattr(Config, key)
    )
    assert missing == [], "settings read but not defined on config.Config: " + ", ".join(missing)


def test_the_scan_sees_what_it_forbids():
    assert READ.findall('x = current_app.config["TIMEZONE"]') == ["TIMEZONE"]


# ---------------------------------------------------------------------------------------------
# One time zone default


TIME_ZONE_LITERAL = re.compile(r"""["']Europe/Tallinn["']""")
TIME_ZONE_HOME = "scheduler/core/time.py"


def test_the_default_time_zone_is_written_once():
    root = SCHEDULER.parent
    sources = {**_sources(), "config.py": (root / "config.py").read_text(encoding="utf-8")}
    homes = sorted(name for name, text in sources.items() if TIME_ZONE_LITERAL.search(text))
    assert homes == [TIME_ZONE_HOME], (
        "use scheduler.core.time.DEFAULT_TZ, or the TIMEZONE setting where an app is at hand"
    )
    assert len(TIME_ZONE_LITERAL.findall(sources[TIME_ZONE_HOME])) == 1


def test_the_time_zone_setting_defaults_to_that_one():
    from scheduler.core.time import DEFAULT_TZ

    assert DEFAULT_TZ == "Europe/Tallinn"
    if "SCHEDULER_TIMEZONE" not in os.environ:
        assert Config.TIMEZONE == DEFAULT_TZ
    assert Config.BABEL_DEFAULT_TIMEZONE == Config.TIMEZONE
