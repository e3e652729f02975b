"""What happens to occurrences, announced inside the transaction that changes them.

Receivers (reminders, feeds) write their own rows in the same session, so that what
they plan is committed together with the change, or not at all.
"""

from blinker import Namespace

_signals = Namespace()

#: a new occurrence row was created (sender: the Event)
occurrence_scheduled = _signals.signal("occurrence-scheduled")
#: an occurrence got a new start/end (sender: the Event; kwargs: previous_start, previous_end)
occurrence_moved = _signals.signal("occurrence-moved")
#: an occurrence was cancelled, by a person or because the rule no longer produces it
occurrence_cancelled = _signals.signal("occurrence-cancelled")
#: a cancelled occurrence is planned again
occurrence_restored = _signals.signal("occurrence-restored")
#: title, location or notes of an occurrence changed (sender: the Event)
occurrence_edited = _signals.signal("occurrence-edited")
#: a series' own fields changed (sender: the Series; kwargs: fields, a set of names)
series_changed = _signals.signal("series-changed")
#: an outcome (held / not held, attendance, participants) is about to be recorded;
#: a receiver may raise to refuse it (e.g. the year is closed). kwargs: status, attendance
outcome_recording = _signals.signal("outcome-recording")
#: an outcome was recorded (sender: the Event)
outcome_recorded = _signals.signal("outcome-recorded")
