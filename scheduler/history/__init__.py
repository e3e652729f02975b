"""History and conflicts: who changed what, when, from what to what; stale forms.

Every change to series, events and indicators (targets, manual values, year closings) is
recorded by one session listener (:mod:`.recording`), whoever makes it: the web, the CLI,
imports, follow-up links, plan loads. Pages show it (:mod:`.display`); forms carry the
version they were opened on and a stale one gets the conflict page (:mod:`.conflicts`).
"""

RECENT = 10


def init_app(app) -> None:
    from ..extensions import db
    from .recording import listen

    listen(db.session.session_factory.class_)
    app.jinja_env.globals.update(recent_history=recent_history)


def recent_history(subject):
    """The newest changes of ``subject`` for its page, or None when the signed-in person may
    not see its history."""
    from flask_login import current_user

    from ..core.policy import can
    from .display import history_page

    if not can(current_user, "view_history", subject):
        return None
    return history_page(subject, 1, RECENT)
