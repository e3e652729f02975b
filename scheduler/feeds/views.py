"""Feed responses (ETag, Last-Modified, 304, gzip, HEAD) and the page listing the feeds."""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.policy import PUBLIC_ONLY, EventVisibility, can, event_visibility
from ..events.filters import NEWS, FilterError, Limits, page_language
from ..events.models import EVENT_TYPES, Series
from ..events.presentation import Shown, listing_url, moment_text, time_range
from ..events.queries import events_page, known_activities, known_orgs, page_revision, query_for
from ..events.shown import base_url, shown
from ..events.uids import uid_domain
from ..extensions import db
from ..organisations.models import Organisation
from ..plans.models import Activity
from ..web.access import requires
from ..web.forms import submitted
from ..web.headers import strong_etag
from ..web.languages import negotiated_language
from . import models
from .fastpath import CALENDAR_MIMETYPE, Conditions, fast_path_key
from .forms import FeedTokenForm, RevokeFeedTokenForm
from .links import links_for, news_feeds
from .news import MIMETYPES, NewsFeed, NewsItem, news_document
from .private_links import private_links, revoke_posted
from .service import FeedArgumentError, FeedRequest, feed_cache, feed_request, rendered_feed


def public_feed(kind: str, value: str | None = None):
    return _serve(kind, value, private=False)


def private_feed(token: str, kind: str, value: str | None = None):
    row = models.active_token(token)
    if row is None or not row.user.is_active:
        abort(404)  # revoked, unknown, or its owner deactivated: the same answer
    return _serve(
        kind,
        value,
        private=True,
        organiser_email=row.user.email,
        visibility=event_visibility(row.user),
    )


def _serve(
    kind: str,
    value: str | None,
    *,
    private: bool,
    organiser_email: str | None = None,
    visibility: EventVisibility = PUBLIC_ONLY,
):
    if kind == "lang" and value not in current_app.config["LANGUAGES"]:
        abort(404)  # before it is taken for a locale to render the feed in
    try:
        feed_req = feed_request(
            kind,
            value,
            request.args,
            private=private,
            organiser_email=organiser_email,
            visibility=visibility,
        )
    except FeedArgumentError as error:
        return _plain_error(error.message(_))
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
        return value in known_orgs([value])
    if feed_req.kind == "activity":
        return value in known_activities([value])
    if feed_req.kind == "type":
        return value in EVENT_TYPES
    if feed_req.kind == "lang":
        return value in current_app.config["LANGUAGES"]
    return True


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
        news_feeds=news_feeds(None, _locale()),
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


@requires("create_feed_token")
def create_token():
    form = submitted(FeedTokenForm())
    _row, secret = models.issue_token(current_user, form.label.data)
    db.session.commit()
    current_app.logger.info("feed token created for %s", current_user.email)
    return _page(new_token=private_links(secret))


@requires("create_feed_token")
def revoke_token(token_id: int):
    revoke_posted(token_id, "revoke_feed_token")
    return redirect(url_for("feeds.index"))


# ---------------------------------------------------------------------------------------------
# News feeds: RSS 2.0 and Atom 1.0 of the coming public events


def news(format_: str):
    """``/feeds/events.rss`` and ``.atom``: the public site's filters, in ``?lang=`` (else
    Accept-Language); ETag and Last-Modified from the events' revision, 304 without building."""
    try:
        language = (
            page_language(request.args, current_app.config["LANGUAGES"], ("lang",))
            or negotiated_language()
        )
    except FilterError as error:
        return _plain_error(error.message(_))
    with force_locale(language):
        try:
            query = _news_query()
        except FilterError as error:
            return _plain_error(error.message(_))
        etag = strong_etag("news", format_, language, query.key(), page_revision(query), base_url())
        if request.if_none_match.contains_weak(etag.strip('"')):
            return _news_response(b"", format_, etag, status=304)
        rows = events_page(query)[: query.limit]
        body = news_document(
            _news_feed(language, query),
            [NewsItem(shown(row, language, link_language=language), _changed(row)) for row in rows],
            format_=format_,
            texts=_summary_lines,
        )
    return _news_response(body, format_, etag)


def _plain_error(message: str):
    return current_app.response_class(message + "\n", status=400, mimetype="text/plain")


def _news_query():
    config = current_app.config
    limits = Limits(
        default_limit=config["NEWS_FEED_LIMIT"],
        max_limit=config["NEWS_FEED_MAX_LIMIT"],
        default_weeks=config["NEWS_FEED_WEEKS"],
    )
    return query_for(request.args, NEWS, limits)


def _news_feed(language: str, query) -> NewsFeed:
    return NewsFeed(
        title=_("Upcoming events"),
        description=_("All public events"),
        language=language,
        home_url=listing_url(base_url(), query.orgs, language),
        feed_url=f"{base_url()}{request.full_path.rstrip('?')}",
        domain=uid_domain(),
    )


def _changed(event) -> datetime:
    return max(event.updated_at, event.series.updated_at)


def _summary_lines(item: Shown) -> list[str]:
    when = time_range(item.start, item.end, item.tz, item.language)
    lines = [f"{_('Cancelled')}: {when}" if item.cancelled else when]
    if item.moved_from is not None and not item.cancelled:
        moment = moment_text(item.moved_from, item.tz, item.language)
        lines.append(_("Moved; it was planned for %(time)s", time=moment))
    if item.reason is not None:
        lines.append(f"{_('Reason for cancelling')}: {item.reason.value}")
    lines.append(item.place or "")
    if item.online_url:
        lines.append(f"{_('Online')}: {item.online_url}")
    if item.description is not None:
        lines.append(item.description.value)
    return lines


def _news_response(body: bytes, format_: str, etag: str, status: int = 200):
    response = current_app.response_class(
        body, status=status, content_type=f"{MIMETYPES[format_]}; charset=utf-8"
    )
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['FEEDS_MAX_AGE']}"
    response.headers["Vary"] = "Accept-Language"
    return response
