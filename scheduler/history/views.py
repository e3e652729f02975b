"""Thin views: the whole, paged history of an event, a series or an indicator."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.bounds import is_valid_id
from ..core.policy import can
from ..events.access import load_event
from ..events.models import Series
from ..extensions import db
from ..indicators.models import Indicator
from ..localisation import lang_attr, page_localized
from .display import history_page


def _page() -> int:
    number = request.args.get("page", type=int) or 1
    return min(max(number, 1), 1_000_000)


def _render(subject, *, title: str, back_url: str, lang, endpoint: str, intro: str = "", **ids):
    if not can(current_user, "view_history", subject):
        abort(404)
    history = history_page(subject, _page())
    return render_template(
        "history/list.html",
        history=history,
        subject_title=title,
        subject_lang=lang,
        back_url=back_url,
        intro=intro,
        page_url=lambda number: url_for(endpoint, page=number, **ids),
    )


@login_required
def event_history(event_id: int):
    event = load_event(event_id)
    return _render(
        event,
        title=event.title or page_localized(event.series, "title"),
        lang=lang_attr(event.series, "title") if not event.title else "",
        back_url=url_for("events.detail", event_id=event.id),
        endpoint="history.event",
        event_id=event.id,
    )


@login_required
def series_history(series_id: int):
    series = db.session.get(Series, series_id) if is_valid_id(series_id) else None
    if series is None or not can(current_user, "view_event", series):
        abort(404)
    first = series.events[0] if series.events else None
    return _render(
        series,
        title=page_localized(series, "title"),
        lang=lang_attr(series, "title"),
        back_url=url_for("events.detail", event_id=first.id) if first else url_for("events.index"),
        endpoint="history.series",
        intro=_("Changes to the series itself; each occurrence's own changes are on its page."),
        series_id=series.id,
    )


@login_required
def indicator_history(code: str):
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == code))
    if indicator is None:
        abort(404)
    return _render(
        indicator,
        title=page_localized(indicator, "name"),
        lang=lang_attr(indicator, "name"),
        back_url=url_for("indicators.detail", code=code),
        endpoint="history.indicator",
        code=code,
    )
