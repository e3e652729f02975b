"""Thin views: the whole, paged history of an event, a series or an indicator."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from ..events.models import Event, Series
from ..extensions import db
from ..indicators.models import Indicator
from ..localisation import lang_attr, page_localized
from ..web.access import admit, load
from .display import history_page


def _page() -> int:
    number = request.args.get("page", type=int) or 1
    return min(max(number, 1), 1_000_000)


def _render(subject, *, title: str, back_url: str, lang, endpoint: str, intro: str = "", **ids):
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
    event = load(Event, event_id, "view_history")
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
    series = load(Series, series_id, "view_history")
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
    indicator = admit(
        db.session.scalar(select(Indicator).where(Indicator.code == code)), "view_history"
    )
    return _render(
        indicator,
        title=page_localized(indicator, "name"),
        lang=lang_attr(indicator, "name"),
        back_url=url_for("indicators.detail", code=code),
        endpoint="history.indicator",
        code=code,
    )
