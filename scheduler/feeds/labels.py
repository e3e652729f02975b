"""Readable names of event types, used as CATEGORIES and on the feeds page."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "info_day": _l("Info day"),
    "training": _l("Training"),
    "study_trip": _l("Study trip"),
    "network_meeting": _l("Network meeting"),
    "club": _l("Club"),
    "excursion": _l("Excursion"),
    "info_session": _l("Info session"),
    "conference": _l("Conference"),
    "counselling": _l("Counselling"),
    "other": _l("Other"),
}


def type_label(event_type: str) -> str:
    label = TYPE_LABELS.get(event_type)
    return str(label) if label is not None else _(event_type.replace("_", " ").capitalize())
