"""Series and their occurrences (event rows)."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..core.policy import can
    from ..web.nav import add_nav_link
    from . import signals
    from .expansion import raise_sequences
    from .labels import display_status, event_type_label, status_label

    signals.series_changed.connect(raise_sequences)

    app.jinja_env.globals.update(
        can=can,  # templates ask the same policy as the views
        event_type_label=event_type_label,
        status_label=status_label,
        display_status=display_status,
    )
    add_nav_link(app, "events.awaiting", _l("Awaiting outcome"), count=_nav_awaiting_count)


def _nav_awaiting_count():
    """The worklist's length for the signed-in user; None (no link) for others."""
    from flask_login import current_user

    from ..core.policy import can
    from .access import awaiting_count

    if not can(current_user, "see_worklist"):
        return None
    return awaiting_count(current_user)
