"""Translatable names of event types, statuses and holiday policies."""

from flask_babel import lazy_gettext as _l

EVENT_TYPE_LABELS = {
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

STATUS_LABELS = {
    "planned": _l("Planned"),
    "held": _l("Held"),
    "not_held": _l("Not held"),
    "cancelled": _l("Cancelled"),
    "awaiting_outcome": _l("Awaiting outcome"),
}

# What a series does on Estonian public holidays (Series.holiday_policy)
HOLIDAY_LABELS = {
    "keep": _l("Keep them"),
    "skip": _l("Skip public holidays"),
    "next": _l("Move to the next working day"),
}


def event_type_label(code: str) -> str:
    return str(EVENT_TYPE_LABELS.get(code, code))


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def holiday_label(code: str) -> str:
    return str(HOLIDAY_LABELS.get(code, code))


def status_code(event) -> str:
    status = event.status
    return getattr(status, "value", status)


def is_cancelled(event) -> bool:
    """The one meaning of "cancelled" every presentation uses (pages, the widget, the API,
    calendar files, schema.org): someone called the event off beforehand. An event that
    was due and did not take place is "not held" and is never shown or counted as
    cancelled."""
    return status_code(event) == "cancelled"


def display_status(event) -> str:
    """The status a page shows: a past event still planned is "awaiting_outcome" (derived,
    never stored)."""
    from .access import is_awaiting_outcome

    return "awaiting_outcome" if is_awaiting_outcome(event) else event.status.value
