"""Feed responses (ETag, Last-Modified, 304, gzip, HEAD) and the page listing the feeds."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.policy import can
from ..events.models import EVENT_TYPES, Series
from ..extensions import db
from ..organisations.models import Organisation
from ..plans.models import Activity
from . import models
from .access import load_feed_token
from .fastpath import CALENDAR_MIMETYPE, Conditions, fast_path_key
from .forms import FeedTokenForm, RevokeFeedTokenForm
from .links import links_for
from .service import FeedArgumentError, FeedRequest, feed_cache, feed_request, rendered_feed


def public_feed(kind: str, value: str | None = None):
    return _serve(kind, value, private=False)


def private_feed(token: str, kind: str, value: str | None = None):
    row = models.active_token(token)
    if row is None:
        abort(404)
    return _serve(kind, value, private=True, organiser_email=row.user.email)


def _serve(kind: str, value: str | None, *, private: bool, organiser_email: str | None = None):
    if kind == "lang" and value not in current_app.config["LANGUAGES"]:
        abort(404)  # before it is taken for a locale to render the feed in
    try:
        feed_req = feed_request(
            kind, value, request.args, private=private, organiser_email=organiser_email
        )
    except FeedArgumentError as error:
        return current_app.response_class(str(error) + "\n", status=400, mimetype="text/plain")
    cache = feed_cache()
    print_ = cache.fingerprint(feed_req)
    if print_.count == 0 and not _feed_exists(feed_req):
        abort(404)
    headers = _common_headers(feed_req, print_.last_modified, private)
    conditions = Conditions.of(request.environ)
    if conditions.unchanged_since(print_.last_modified):
        return current_app.response_class(status=304, headers=headers)
    feed = rendered_feed(feed_req, print_)
    if not private:  # private links are checked against their token on every request
        cache.remember_hot(fast_path_key(request.environ), feed_req, print_, feed, headers)
    status, representation, body = conditions.answer(feed)
    headers.update(representation)
    if status == 304:
        return current_app.response_class(status=304, headers=headers)
    return current_app.response_class(
        body, status=200, headers=headers, content_type=CALENDAR_MIMETYPE
    )


def _common_headers(feed_req: FeedRequest, last_modified, private: bool) -> dict:
    max_age = current_app.config["FEEDS_MAX_AGE"]
    filename = f"{feed_req.kind}-{feed_req.value}.ics" if feed_req.value else f"{feed_req.kind}.ics"
    headers = {
        "Last-Modified": _http_date(last_modified),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={max_age}",
        "Vary": "Accept-Encoding",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
        headers["Referrer-Policy"] = "no-referrer"
    return headers


def _http_date(moment) -> str:
    from werkzeug.http import http_date

    return http_date(moment)


def _feed_exists(feed_req: FeedRequest) -> bool:
    """An empty feed of a known organisation, type… is valid; an unknown one is a 404."""
    value = feed_req.value
    if feed_req.kind == "org":
        return _exists(select(Organisation.id).where(Organisation.slug == value))
    if feed_req.kind == "activity":
        return _exists(select(Activity.id).where(Activity.code == value))
    if feed_req.kind == "type":
        return value in EVENT_TYPES
    if feed_req.kind == "lang":
        return value in current_app.config["LANGUAGES"]
    return True


def _exists(stmt) -> bool:
    return db.session.scalars(stmt.limit(1)).first() is not None


# ---------------------------------------------------------------------------------------------
# The page


def index():
    return _page()


def _page(new_token=None, status: int = 200):
    return render_template(
        "feeds/index.html",
        sections=_public_sections(),
        tokens=_user_tokens(),
        new_token=new_token,
        links_for=links_for,
        token_form=FeedTokenForm(formdata=None),
        revoke_form=RevokeFeedTokenForm(),
    ), status


def _public_sections() -> list[tuple[str, list[tuple[str, object]]]]:
    from ..events.labels import event_type_label as type_label

    orgs = db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(select(Series.organisation_id).where(Series.is_public)))
        .order_by(Organisation.name)
    ).all()
    activities = db.session.scalars(
        select(Activity).where(Activity.id.in_(select(Series.activity_id))).order_by(Activity.code)
    ).all()
    return [
        (_("All events"), [(_("All public events"), links_for("feeds.public_all"))]),
        (
            _("By organisation"),
            [
                (org.display_name(_locale()), links_for("feeds.public", kind="org", value=org.slug))
                for org in orgs
            ],
        ),
        (
            _("By activity"),
            [
                (
                    f"{a.code} {a.display_title(_locale())}",
                    links_for("feeds.public", kind="activity", value=a.code),
                )
                for a in activities
            ],
        ),
        (
            _("By event type"),
            [(type_label(t), links_for("feeds.public", kind="type", value=t)) for t in EVENT_TYPES],
        ),
        (
            _("By language"),
            [
                (code, links_for("feeds.public", kind="lang", value=code))
                for code in current_app.config["LANGUAGES"]
            ],
        ),
    ]


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _user_tokens() -> list:
    if not can(current_user, "create_feed_token"):
        return []
    return models.tokens_of(current_user)


def private_links(secret: str) -> list[tuple[str, object]]:
    return [
        (_("My events"), links_for("feeds.private_mine", token=secret)),
        (_("All events, internal ones too"), links_for("feeds.private_all", token=secret)),
    ]


def create_token():
    if not can(current_user, "create_feed_token"):
        abort(403)
    form = FeedTokenForm()
    if not form.validate_on_submit():
        abort(400)
    _row, secret = models.issue_token(current_user, form.label.data)
    db.session.commit()
    current_app.logger.info("feed token created for %s", current_user.email)
    return _page(new_token=private_links(secret))


def revoke_token(token_id: int):
    if not can(current_user, "create_feed_token"):
        abort(403)
    row = load_feed_token(token_id)
    if not RevokeFeedTokenForm().validate_on_submit():
        abort(400)
    models.revoke(row)
    db.session.commit()
    flash(_("The private feed link was revoked."))
    return redirect(url_for("feeds.index"))
