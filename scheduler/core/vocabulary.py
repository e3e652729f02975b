"""The programme's fixed vocabularies, importable by pure modules and models alike."""

EVENT_TYPES = (
    "info_day",
    "training",
    "study_trip",
    "network_meeting",
    "club",
    "excursion",
    "info_session",
    "conference",
    "counselling",
    "other",
)

#: the programme's working languages, also the interface's
LANGUAGES = ("et", "en", "ru")
