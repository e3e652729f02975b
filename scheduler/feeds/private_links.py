"""Private feed links on the web pages (the account page and the feeds page): the addresses
shown once when a link is made, and revoking one."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from ..extensions import db
from ..web.access import load
from ..web.forms import submitted
from .forms import RevokeFeedTokenForm
from .links import FeedLinks, links_for
from .models import FeedToken, revoke


def private_links(secret: str) -> list[tuple[str, FeedLinks]]:
    return [
        (_("My events"), links_for("feeds.private_mine", token=secret)),
        (_("All events, internal ones too"), links_for("feeds.private_all", token=secret)),
    ]


def revoke_posted(token_id: int, action: str) -> None:
    """Revoke the link the posted form names if the signed-in person may do ``action`` on it:
    404 for a link they may not know of (nobody learns which link numbers exist), 403 for one
    they know of but may not revoke here (an admin, on the account page, another's link)."""
    row = load(FeedToken, token_id, action)
    submitted(RevokeFeedTokenForm())
    revoke(row)
    db.session.commit()
    flash(_("The private feed link was revoked."))
