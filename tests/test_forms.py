"""Every form is a Flask-WTF form: each POST form in a template carries the CSRF token field,
and no view reads the submitted fields by hand (validation lives in the feature's forms.py).

Both checks read the source, so a new hand-made form fails here with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "scheduler"

POST_FORM = re.compile(r"<form\b[^>]*\bmethod\s*=\s*[\"']?post\b[^>]*>", re.IGNORECASE)
# A Flask-WTF form's hidden fields, its token field alone, or Flask-WTF's csrf_token().
CSRF_FIELD = re.compile(r"\.hidden_tag\(\)|\.csrf_token\s*}}|\bcsrf_token\(\)")
# Reading submitted data directly instead of through a form.
HAND_READ = re.compile(r"\brequest\.(form|files|values)\b")
# What may read it: the guard that refuses NUL bytes in any request before a view runs.
MAY_READ_THE_RAW_REQUEST = {"scheduler/web/request_checks.py"}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def post_forms_without_csrf(templates: Path = TEMPLATES) -> list[str]:
    offenders = []
    for path in sorted(templates.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in POST_FORM.finditer(text):
            end = text.find("</form>", match.end())
            body = text[match.end() : end if end != -1 else len(text)]
            if not CSRF_FIELD.search(body):
                offenders.append(f"{_name(path)}:{_line(text, match.start())}")
    return offenders


def hand_read_requests(package: Path = PACKAGE) -> list[str]:
    offenders = []
    for path in sorted(package.rglob("*.py")):
        name = _name(path)
        if name in MAY_READ_THE_RAW_REQUEST:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{name}:{_line(text, m.start())}" for m in HAND_READ.finditer(text)]
    return offenders


def test_every_post_form_carries_the_csrf_token_field():
    assert post_forms_without_csrf() == []


def test_no_view_reads_the_submitted_form_by_hand():
    assert hand_read_requests() == []


def test_the_checks_name_a_hand_made_form_and_a_hand_read_field(tmp_path):
    """The two checks above can fail: they find the offenders in a planted copy."""
    (tmp_path / "page.html").write_text(
        '<form method="get"></form>\n'
        '<form method="post">{{ form.hidden_tag() }}</form>\n'
        "<FORM class=inline METHOD=POST action=x>\n<button>Go</button></FORM>\n",
        encoding="utf-8",
    )
    views = tmp_path / "views.py"
    views.write_text("x = 1\nlabel = request.form.get('label')\n", encoding="utf-8")

    assert [o.rsplit(":", 1)[1] for o in post_forms_without_csrf(tmp_path)] == ["3"]
    assert [o.rsplit(":", 1)[1] for o in hand_read_requests(tmp_path)] == ["2"]
