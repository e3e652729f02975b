"""`make lighthouse` (tools/lighthouse.py): its own npm package, never installed by
`make test-setup`, and how it reads Lighthouse's report into a verdict."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tools" / "lighthouse"


def _tool():
    spec = importlib.util.spec_from_file_location(
        "lighthouse_tool", ROOT / "tools" / "lighthouse.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dry_run(target: str) -> str:
    return subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_lighthouse_is_pinned_in_its_own_lock_and_kept_out_of_the_test_setup():
    package = json.loads((HERE / "package.json").read_text())
    lock = json.loads((HERE / "package-lock.json").read_text())
    assert (
        lock["packages"]["node_modules/lighthouse"]["version"]
        == package["dependencies"]["lighthouse"]
    )
    root_package = json.loads((ROOT / "package.json").read_text())
    assert "lighthouse" not in root_package["dependencies"]
    assert "tools/lighthouse" not in _dry_run("test-setup")
    lighthouse = _dry_run("lighthouse")
    assert "cd tools/lighthouse && npm ci" in lighthouse
    assert "tools/lighthouse.py" in lighthouse


def _report(**scores):
    return {
        "categories": {
            name: {
                "score": score,
                "auditRefs": [
                    {"id": "meta-description", "weight": 1},
                    {"id": "hreflang", "weight": 1},
                ],
            }
            for name, score in scores.items()
        },
        "audits": {
            "meta-description": {"score": 0, "title": "Document does not have a meta description"},
            "hreflang": {"score": 1, "title": "Document has a valid hreflang"},
        },
    }


def test_scores_below_the_minimum_fail_and_name_the_audits_that_cost_points():
    tool = _tool()
    report = _report(**{"accessibility": 1.0, "best-practices": 0.96, "seo": 0.91})
    scores = tool.scores(report)
    assert scores == {"accessibility": 100, "best-practices": 96, "seo": 91}
    assert tool.below(scores, 95) == ["seo"]
    assert tool.below(scores, 90) == []
    assert tool.failing_audits(report, "seo") == [
        "meta-description (Document does not have a meta description)"
    ]


def test_a_category_lighthouse_could_not_score_counts_as_failed():
    tool = _tool()
    scores = tool.scores(_report(**{"accessibility": None, "best-practices": 1, "seo": 1}))
    assert tool.below(scores, 95) == ["accessibility"]
