"""iCalendar feeds: public and token-protected .ics subscriptions of the event rows."""

from .uids import event_uid, occurrence_uid, series_uid

__all__ = ["event_uid", "occurrence_uid", "series_uid"]
